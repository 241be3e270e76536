import { parseConfig, type Config } from '../config/schema.ts';
import { createLogger, type Logger } from '../logger.ts';
import { humanDestination } from '../logging/human-destination.ts';

/** The only place that reads process.env. A bad environment stops the start with what is wrong. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = parseConfig(env);
  if (!result.ok) {
    process.stderr.write(`listinglab: configuration error\n${result.errors.map((e) => `  - ${e}`).join('\n')}\n`);
    process.exit(2);
  }
  return result.config;
}

/** Every secret the config holds, so the logger can scrub them from free text too. */
export function secretsOf(config: Config): string[] {
  const s: (string | undefined)[] = [
    config.slack?.signingSecret,
    config.slack?.mode === 'single' ? config.slack.botToken : config.slack?.clientSecret,
    config.slack?.mode === 'oauth' ? config.slack.stateSecret : undefined,
    config.discord?.botToken,
    config.openai?.apiKey,
    config.anthropic?.apiKey,
    config.apify?.token,
    config.stripe?.secretKey,
    config.stripe?.webhookSecret,
    config.metricsToken,
    config.encryptionKey?.toString('hex'),
    config.encryptionKeyPrevious?.toString('hex'),
    linkKeyText(config),
  ];
  if (config.databaseUrl) {
    const pw = new URL(config.databaseUrl).password;
    if (pw) s.push(decodeURIComponent(pw));
  }
  return s.filter((x): x is string => Boolean(x));
}

/** LINK_SIGNING_KEY as given (a key derived from ENCRYPTION_KEY is not text, and is never printed). */
function linkKeyText(config: Config): string | undefined {
  const key = config.reportLinks?.key;
  const text = key?.toString('utf8');
  return key && text !== undefined && Buffer.from(text, 'utf8').equals(key) ? text : undefined;
}

/** The service's logger (JSON lines on stderr), or with `human`, plain lines for a terminal. */
export function loggerFor(config: Config, opts: { human?: boolean } = {}): Logger {
  return createLogger({ level: config.logLevel, secrets: secretsOf(config), ...(opts.human ? { destination: humanDestination() } : {}) });
}
