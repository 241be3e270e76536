import { describe, expect, test } from 'vitest';
import { parseConfig } from '../../service/config/schema.ts';

const KEY = 'ab'.repeat(32);

describe('configuration', () => {
  test('an empty environment is valid: embedded Postgres, offline engine, no integrations', () => {
    const r = parseConfig({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.databaseUrl).toBeUndefined();
    expect(r.config.dataDir).toBe('./.data');
    expect(r.config.port).toBe(3000);
    expect(r.config.slack).toBeUndefined();
    expect(r.config.openai).toBeUndefined();
    expect(r.config.imageHosts).toContain('m.media-amazon.com');
  });

  test.each([
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ SLACK_CLIENT_ID: '1', SLACK_CLIENT_SECRET: 's', SLACK_SIGNING_SECRET: 'x' }, 'SLACK_STATE_SECRET'],
    [{ SLACK_CLIENT_ID: '1', SLACK_CLIENT_SECRET: 's', SLACK_SIGNING_SECRET: 'x', SLACK_STATE_SECRET: 'y' }, 'ENCRYPTION_KEY'],
    [{ DISCORD_APPLICATION_ID: '1', DISCORD_BOT_TOKEN: 't' }, 'DISCORD_PUBLIC_KEY'],
    [{ STRIPE_SECRET_KEY: 'sk_test_1' }, 'STRIPE_WEBHOOK_SECRET'],
    [{ OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' }, 'OPENAI_API_KEY'],
    [{ ANTHROPIC_BASE_URL: 'http://127.0.0.1:1' }, 'ANTHROPIC_API_KEY'],
  ])('a half-configured integration names what is missing (%o)', (env, missing) => {
    const r = parseConfig(env);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toContain(missing);
  });

  test('malformed values are refused with the variable named', () => {
    const r = parseConfig({ PORT: 'eighty', ENCRYPTION_KEY: 'short', IMAGE_HOSTS: 'bad host!' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const text = r.errors.join('\n');
    expect(text).toContain('PORT');
    expect(text).toContain('ENCRYPTION_KEY');
    expect(text).toContain('IMAGE_HOSTS');
  });

  test('complete groups are parsed into typed settings', () => {
    const r = parseConfig({
      SLACK_SIGNING_SECRET: 'sig',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      STRIPE_SECRET_KEY: 'sk_test_1',
      STRIPE_WEBHOOK_SECRET: 'whsec_1',
      ENCRYPTION_KEY: KEY,
      IMAGE_HOSTS: 'm.media-amazon.com, 127.0.0.1:8080',
      PUBLIC_URL: 'https://ll.example.com/',
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.slack).toMatchObject({ mode: 'single', apiUrl: 'http://127.0.0.1:9/api/' });
    expect(r.config.stripe?.apiUrl).toBe('https://api.stripe.com');
    expect(r.config.encryptionKey?.length).toBe(32);
    expect(r.config.imageHosts).toEqual(['m.media-amazon.com', '127.0.0.1:8080']);
    expect(r.config.publicUrl).toBe('https://ll.example.com');
  });

  test('single-workspace and OAuth Slack modes are exclusive', () => {
    const r = parseConfig({
      SLACK_SIGNING_SECRET: 'sig', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_CLIENT_ID: '1', SLACK_CLIENT_SECRET: 's',
      SLACK_STATE_SECRET: 'y', ENCRYPTION_KEY: KEY,
    });
    expect(r.ok).toBe(false);
  });

  test('errors never echo a secret value', () => {
    const r = parseConfig({ STRIPE_SECRET_KEY: 'sk_live_SUPERSECRET' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).not.toContain('SUPERSECRET');
  });
});
