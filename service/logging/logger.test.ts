import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import { Socket } from 'node:net';
import { Writable } from 'node:stream';
import Fastify from 'fastify';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { addLogSecrets, createLogger, type Logger } from '../logger.ts';
import { spellings } from './scrubber.ts';

/**
 * The logger's two promises, over arbitrary values: logging never throws, at any level, whatever
 * is logged; and no configured secret reaches the bytes written, wherever it was planted.
 */

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

function capture(secrets: readonly string[]): { logger: Logger; written: () => string } {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      out += chunk.toString('utf8');
      cb();
    },
  });
  return { logger: createLogger({ level: 'trace', secrets, destination }), written: () => out };
}

/** Every spelling of every secret, lower-cased: the written bytes must contain none of them. */
function leaks(written: string, secrets: readonly string[]): string[] {
  const lower = written.toLowerCase();
  return secrets.flatMap((s) => spellings(s).filter((v) => lower.includes(v.toLowerCase())));
}

const secretArb = fc.string({ unit: fc.constantFrom(...'abcdefABCDEF0123456789_-.:/+="\\xyzQRS'.split('')), minLength: 12, maxLength: 40 });

/** A value with the given secrets planted inside it: in strings, keys, error messages and causes, cycles and traps around it. */
function planted(secrets: readonly string[]) {
  const leaf = fc.oneof(
    fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withDate: true, withNullPrototype: true, withBoxedValues: true, withSparseArray: true }),
    fc.constantFrom(...secrets).map((s) => `before ${s} after`),
    fc.constantFrom(...secrets).map((s) => ({ [`key-${s}`]: 1 })),
    fc.constantFrom(...secrets).map((s) => new Error(`failed with ${s}`, { cause: new TypeError(`inner ${s.toUpperCase()}`) })),
    fc.constantFrom(...secrets).map((s) => ({ token: s, apiKey: s, nested: { authorization: `Bearer ${s}` } })),
    fc.constantFrom(...secrets).map((s) => Buffer.from(s)),
    fc.constant(10n ** 30n),
    fc.constant('PROXY'),
    fc.constant('GETTER'),
  );
  return fc.tuple(fc.array(leaf, { minLength: 1, maxLength: 6 }), fc.nat({ max: 3 }));
}

/**
 * The hostile parts are made here rather than in the arbitraries (fast-check itself inspects
 * generated values, and a Proxy that throws on every trap breaks it): traps, cycles, self-causes.
 */
function build([leaves, shape]: [unknown[], number]): unknown {
  const parts = leaves.map((p) => (p === 'PROXY' ? throwingProxy() : p === 'GETTER' ? throwingGetter() : p));
  const root: Record<string, unknown> = { parts };
  root.self = root; // a cycle through the root
  const err = Object.assign(new Error('outer'), { details: root, code: 'E_TEST' });
  (err as { cause?: unknown }).cause = err; // a cause that is itself
  switch (shape) {
    case 0:
      return root;
    case 1:
      return err;
    case 2:
      return { err, list: [root, root], map: new Map<unknown, unknown>([[root, root]]), proxy: throwingProxy() };
    default:
      return parts[0];
  }
}

function throwingProxy(): object {
  return new Proxy({}, {
    get() {
      throw new Error('trap: get');
    },
    ownKeys() {
      throw new Error('trap: ownKeys');
    },
    getPrototypeOf() {
      throw new Error('trap: getPrototypeOf');
    },
    has() {
      throw new Error('trap: has');
    },
  });
}

function throwingGetter(): object {
  return Object.defineProperty({ fine: 1 }, 'bad', {
    enumerable: true,
    get() {
      throw new Error('getter');
    },
  });
}

describe('createLogger', () => {
  test('never throws and writes no configured secret, for any value at any level', () => {
    fc.assert(
      fc.property(fc.uniqueArray(secretArb, { minLength: 1, maxLength: 3 }), fc.context(), (secrets, ctx) => {
        const { logger, written } = capture(secrets);
        fc.assert(
          fc.property(planted(secrets), fc.constantFrom(...LEVELS), (generated, level) => {
            const value = build(generated);
            logger[level](value, `message with ${secrets[0]}`);
            logger[level]({ value }, 'merging object');
            logger[level]({}, `free text ${secrets.join(' ')} %o`, value as object);
            logger.child({ binding: value })[level](value);
          }),
          { numRuns: 40 },
        );
        const found = leaks(written(), secrets);
        ctx.log(`secrets ${JSON.stringify(secrets)}; leaked spellings ${JSON.stringify(found)}`);
        return found.length === 0 && written().length > 0;
      }),
      { numRuns: 25 },
    );
  });

  test('every line is valid JSON with the message kept', () => {
    const { logger, written } = capture(['s3cr3t-value-123']);
    const circular: Record<string, unknown> = { name: 'loop' };
    circular.me = circular;
    logger.info({ circular, big: 12345678901234567890n, buf: Buffer.alloc(3) }, 'hello');
    logger.error(new Error('boom s3cr3t-value-123', { cause: new Error('root cause') }));
    logger.warn(throwingProxy(), 'proxy');
    const lines = written().trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatchObject({ msg: 'hello', circular: { name: 'loop', me: '[Circular]' }, big: '12345678901234567890', buf: '[Buffer 3 bytes]' });
    expect(lines[1]).toMatchObject({ msg: 'boom [redacted]', err: { type: 'Error', message: 'boom [redacted]', cause: { message: 'root cause' } } });
    expect(lines[2]).toMatchObject({ msg: 'proxy', value: '[Unreadable]' });
  });

  test('Node and Fastify request and response objects are logged as a summary', async () => {
    const { logger, written } = capture(['hunter2-hunter2']);
    const req = new IncomingMessage(new Socket());
    req.method = 'POST';
    req.url = '/slack/events?token=hunter2-hunter2';
    req.headers = { authorization: 'Bearer hunter2-hunter2', 'x-slack-signature': 'v0=abc' };
    const res = new ServerResponse(req);
    logger.debug({ req, res }, 'node objects');
    const app = Fastify({ loggerInstance: logger });
    app.post('/echo', (request, reply) => {
      request.log.debug({ request, reply, raw: request.raw }, 'fastify objects');
      return { ok: true };
    });
    const r = await app.inject({ method: 'POST', url: '/echo', payload: { a: 1 }, headers: { authorization: 'Bearer hunter2-hunter2' } });
    await app.close();
    expect(r.statusCode).toBe(200);
    const text = written();
    expect(text).not.toContain('hunter2-hunter2');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.msg === 'node objects')).toMatchObject({ req: { method: 'POST' }, res: { statusCode: 200 } });
    expect(lines.find((l) => l.msg === 'fastify objects')).toMatchObject({ request: { method: 'POST', url: '/echo' }, reply: { statusCode: 200 } });
  });

  test('a live server, its sockets and a secret learned later', async () => {
    const { logger, written } = capture([]);
    const server = createServer();
    addLogSecrets(logger, ['late-secret-password']);
    logger.info({ server, pw: 'late-secret-password' }, 'late-secret-password in the message too');
    expect(written()).not.toContain('late-secret-password');
    expect(written()).toContain('[Server]');
  });

  test('an ENCRYPTION_KEY given in upper-case hex is scrubbed in any case and as base64', () => {
    const key = 'A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90';
    const { logger, written } = capture([key.toLowerCase()]);
    logger.info(`upper ${key}`);
    logger.info(`lower ${key.toLowerCase()}`);
    logger.info(`base64 ${Buffer.from(key, 'hex').toString('base64')}`);
    expect(leaks(written(), [key])).toEqual([]);
    expect(written().match(/\[redacted\]/g)).toHaveLength(3);
  });

  test('provider token shapes are masked even when not configured', () => {
    const { logger, written } = capture([]);
    logger.info('xoxb-1234567890-abcdefghij sk_test_51Habcdefghij whsec_abcdefghijkl sk-ant-api03-abcdefgh apify_api_abcdefghij');
    expect(written()).not.toMatch(/1234567890-abcdefghij|51Habcdefghij|whsec_abcdefghijkl|api03-abcdefgh|apify_api_abcdefghij/);
  });
});
