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
  // A level that is off formats nothing: the Web API client logs each call's arguments at debug,
  // and stringifying them (blocks and all) for no line was work every chat call paid (issue 22).
  const at =
    (pinoLevel: 'debug' | 'info' | 'warn' | 'error') =>
    (...m: unknown[]): void => {
      if (logger.isLevelEnabled(pinoLevel)) logger[pinoLevel]({ component }, format(m));
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      component = n;
    },
  };
}
