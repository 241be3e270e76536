import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../service/logger.ts';

/** A logger whose lines are kept in memory so tests can assert what was (not) logged. */
export function memoryLogger(secrets: readonly string[] = []): { logger: Logger; lines: () => string[] } {
  const chunks: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const logger = createLogger({ level: 'trace', secrets, destination });
  return { logger, lines: () => chunks.join('').split('\n').filter(Boolean) };
}
