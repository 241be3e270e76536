import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths redacted from every log line: tokens, keys, secrets and authorization headers, wherever
 * they appear in logged objects.
 */
export const REDACT_PATHS = [
  '*.token', '*.botToken', '*.bot_token', '*.accessToken', '*.access_token', '*.apiKey', '*.api_key',
  '*.secret', '*.clientSecret', '*.signingSecret', '*.webhookSecret', '*.secretKey', '*.password',
  '*.encryptionKey', 'req.headers.authorization', 'req.headers.cookie', 'req.headers["x-slack-signature"]',
  'req.headers["x-signature-ed25519"]', 'req.headers["stripe-signature"]', 'headers.authorization',
  'config', '*.config',
];

/** Values that must never appear in a log line even inside free text (secrets from the environment). */
export function createLogger(opts: { level: string; secrets?: readonly string[]; destination?: pino.DestinationStream }): Logger {
  const secrets = (opts.secrets ?? []).filter((s) => s.length >= 8);
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      hooks: secrets.length
        ? {
            // Last line of defence: scrub any configured secret that slipped into a message string.
            logMethod(args, method) {
              const scrubbed = args.map((a) => (typeof a === 'string' ? scrub(a, secrets) : a)) as typeof args;
              method.apply(this, scrubbed);
            },
          }
        : {},
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
      formatters: {
        log(obj) {
          if (!secrets.length) return obj;
          // Errors are plain objects only after serialisation: keep message and stack when scrubbing.
          const plain = JSON.stringify(obj, (_k, v: unknown) => (v instanceof Error ? pino.stdSerializers.err(v) : v));
          return JSON.parse(scrub(plain, secrets)) as Record<string, unknown>;
        },
      },
    },
    opts.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}

export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join('[redacted]');
  return out;
}
