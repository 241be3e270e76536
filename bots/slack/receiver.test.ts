import { App } from '@slack/bolt';
import Fastify from 'fastify';
import { afterAll, describe, expect, test } from 'vitest';
import { memoryLogger } from '../../test/support/logger.ts';
import { FORM, signed, slashCommandBody } from '../../test/emulators/slack-requests.ts';
import { boltLogger } from './logger.ts';
import { createFastifyReceiver } from './receiver.ts';

/** The receiver answers Slack in time whatever the listeners do, and drains them on close. */

const SECRET = 'receiver-test-secret';
const { logger } = memoryLogger();
const receiver = createFastifyReceiver({ signingSecret: SECRET, logger, ackTimeoutMs: 150 });
const bolt = new App({ receiver: receiver.receiver, authorize: async () => ({ botToken: 'xoxb-unused' }), logger: boltLogger(logger), convoStore: false });
let finished = 0;
bolt.command('/slow', async () => {
  // Never acks: the receiver must answer anyway.
  await new Promise((r) => setTimeout(r, 400));
  finished++;
});
bolt.command('/reply', async ({ ack }) => {
  await ack({ response_type: 'ephemeral', text: 'hello' });
  await new Promise((r) => setTimeout(r, 300));
  finished++;
});
bolt.command('/boom', async () => {
  throw new Error('listener exploded');
});
const server = Fastify();
await server.register(receiver.plugin);
afterAll(() => server.close());

const send = (command: string) => {
  const body = slashCommandBody({ text: '' }).replace('command=%2Flisting', `command=${encodeURIComponent(command)}`);
  return server.inject(signed(SECRET, body, FORM));
};

describe('Fastify receiver', () => {
  test('a listener that never acks still gets Slack an empty 200 within the ack timeout', async () => {
    const t = Date.now();
    const res = await send('/slow');
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('');
    expect(Date.now() - t).toBeLessThan(380);
  });

  test('ack(body) is the HTTP answer, at once; the listener goes on afterwards', async () => {
    const t = Date.now();
    const res = await send('/reply');
    expect(res.json()).toEqual({ response_type: 'ephemeral', text: 'hello' });
    expect(Date.now() - t).toBeLessThan(250);
  });

  test('a listener that fails before acking gets a 500 (Bolt’s default error handler rethrows)', async () => {
    expect((await send('/boom')).statusCode).toBe(500);
  });

  test('closing the server waits for listeners still at work', async () => {
    const before = finished;
    await send('/reply');
    await server.close();
    expect(finished).toBeGreaterThan(before);
  });
});
