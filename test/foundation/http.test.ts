import net from 'node:net';
import postgres from 'postgres';
import { afterAll, describe, expect, test } from 'vitest';
import { databaseReadiness } from '../../service/db/readiness.ts';
import { buildApp } from '../../service/http/app.ts';
import { useTestDatabase } from '../db.ts';
import { memoryLogger } from '../support/logger.ts';

const tdb = await useTestDatabase();
const { logger, lines } = memoryLogger(['sk_live_TOPSECRET123']);
const app = await buildApp({
  logger,
  readiness: () => databaseReadiness(tdb.sql),
  plugins: [
    async (a) => {
      a.get('/boom', () => {
        throw new Error('connection to 10.0.0.3 failed with sk_live_TOPSECRET123');
      });
    },
  ],
});
afterAll(() => app.close());

describe('health endpoints', () => {
  test('/healthz answers 200 while the process is alive', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  test('/readyz answers 200 when the database is reachable and migrated', async () => {
    const res = await app.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ status: 'ready', checks: { database: 'ok', migrations: 'ok', jobQueue: 'ok' } });
  });

  test('/readyz answers 503 when a migration is missing', async () => {
    const [last] = await tdb.sql<{ id: number }[]>`select id from drizzle.__drizzle_migrations order by id desc limit 1`;
    await tdb.sql`delete from drizzle.__drizzle_migrations where id = ${last!.id}`;
    try {
      const res = await app.inject({ method: 'GET', url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json().checks.migrations).toMatch(/applied/);
    } finally {
      await tdb.sql`insert into drizzle.__drizzle_migrations (id, hash, created_at) values (${last!.id}, 'restored', 0)`;
    }
  });

  test('/readyz answers 503 when the database is unreachable', async () => {
    const unreachable = postgres('postgres://x:y@127.0.0.1:1/none', { connect_timeout: 1, max: 1 });
    const down = await buildApp({ logger, readiness: () => databaseReadiness(unreachable) });
    const res = await down.inject({ method: 'GET', url: '/readyz' });
    expect(res.statusCode).toBe(503);
    expect(res.json().checks.database).toBe('unreachable');
    await down.close();
    await unreachable.end();
  });
});

describe('errors', () => {
  test('a 5xx never leaks internals, and secrets are scrubbed from the logs', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('10.0.0.3');
    expect(res.body).not.toContain('TOPSECRET');
    expect(res.json()).toEqual({ error: 'internal_error', message: 'Something went wrong on our side.' });
    expect(lines().join('\n')).not.toContain('TOPSECRET');
    expect(lines().some((l) => l.includes('request failed'))).toBe(true);
  });

  test('authorization headers are redacted from request logs', async () => {
    await app.inject({ method: 'GET', url: '/healthz', headers: { authorization: 'Bearer abc.def.ghi' } });
    expect(lines().join('\n')).not.toContain('abc.def.ghi');
  });

  test('unknown routes get a JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope' });
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toBe('not_found');
  });
});

describe('logging', () => {
  test('an error keeps its message in the log line, with secrets scrubbed', () => {
    logger.error({ err: new Error('upstream said no to sk_live_TOPSECRET123') }, 'call failed');
    const line = lines().find((l) => l.includes('call failed'))!;
    expect(line).toContain('upstream said no');
    expect(line).not.toContain('TOPSECRET');
  });
});

describe('bodies over the limit', () => {
  test('a 2 MB body is answered 413 over a real socket every time, never with a reset connection', async () => {
    const server = await buildApp({ logger, readiness: async () => ({ ready: true, checks: {} }), plugins: [async (a) => void a.post('/in', () => ({ ok: true }))] });
    const address = await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const body = Buffer.alloc(2 * 1024 * 1024, 'a');
      const outcomes: string[] = [];
      let next = 0;
      const lane = async () => {
        while (next++ < 60) {
          const res = await fetch(`${address}/in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }).then(
            async (r) => `${r.status} ${(await r.json() as { message?: string }).message ?? ''}`,
            (e: unknown) => `no answer: ${e instanceof Error ? `${e.message} ${e.cause instanceof Error ? e.cause.message : ''}` : String(e)}`,
          );
          outcomes.push(res);
        }
      };
      await Promise.all(Array.from({ length: 10 }, lane));
      expect(outcomes.length).toBe(60);
      expect(new Set(outcomes)).toEqual(new Set(['413 Request body is too large']));
      // The mechanism: the refusal waits until the client has sent its whole body, so it is never
      // cut off mid-write (a server that answers early and closes makes the client see EPIPE).
      const { port } = new URL(address);
      const socket = net.connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.on('data', (c: Buffer) => (answer += c.toString()));
      socket.write(`POST /in HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`);
      socket.write(body.subarray(0, body.length / 2));
      await new Promise((r) => setTimeout(r, 300));
      expect(answer).toBe('');
      socket.write(body.subarray(body.length / 2));
      await new Promise<void>((resolve) => {
        const check = () => (answer.includes('\r\n\r\n') ? resolve() : setTimeout(check, 20));
        check();
      });
      socket.destroy();
      expect(answer).toMatch(/^HTTP\/1\.1 413/);
      // A body within the limit still goes through.
      const ok = await fetch(`${address}/in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
