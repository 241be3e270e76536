import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../../service/logger.ts';

/**
 * Bolt's, the Web API client's and the OAuth installer's logger interface over our pino logger.
 * They log free text (sometimes whole objects, errors with response data); every Slack token
 * shape is masked before a line is written, whatever produced it.
 */

const TOKEN = /\b(xox[abeoprs]|xapp)-[A-Za-z0-9-]+/g;

export const maskSlackTokens = (text: string) => text.replace(TOKEN, '$1-[redacted]');

function format(parts: unknown[]): string {
  return maskSlackTokens(
    parts
      .map((p) => {
        if (typeof p === 'string') return p;
        if (p instanceof Error) return `${p.name}: ${p.message}`;
        try {
          return JSON.stringify(p);
        } catch {
          try {
            return String(p);
          } catch {
            return '[unprintable]';
          }
        }
      })
      .join(' '),
  );
}

export function boltLogger(logger: Logger, name = 'slack'): BoltLogger {
  let level: LogLevel = LogLevel.INFO;
  let component = name;
  return {
    debug: (...m: unknown[]) => logger.debug({ component }, format(m)),
    info: (...m: unknown[]) => logger.info({ component }, format(m)),
    warn: (...m: unknown[]) => logger.warn({ component }, format(m)),
    error: (...m: unknown[]) => logger.error({ component }, format(m)),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      component = n;
    },
  };
}
