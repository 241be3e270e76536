// Error reports first (Sentry's ESM guide: initialise before the application is imported). This
// file is the first import of cli.ts; nothing here starts unless SENTRY_DSN is set.
import { initErrorReports } from '../logging/error-reports.ts';
import { parseConfig } from '../config/schema.ts';
import { secretsOf } from './env.ts';

/**
 * The preload: reads SENTRY_DSN (and SENTRY_ENVIRONMENT) through the one config schema and starts
 * error reports with the logger's list of secrets. A bad environment is left for `loadConfig` to
 * report; without a DSN nothing is initialised and nothing is sent.
 *
 * Only errors are reported (no tracing), so Sentry's OpenTelemetry loader hooks are not needed and
 * a first import suffices; `node --import ./service/main/instrument.ts` works the same. The SDK is
 * imported only when a DSN is set (~10 MB of heap otherwise never paid). Its top-level await holds
 * cli.ts's body until Sentry is initialised; cli.ts's other imports may evaluate meanwhile, which
 * is harmless without tracing (module evaluation sends nothing and reports nothing).
 * @see https://docs.sentry.io/platforms/javascript/guides/node/install/esm/
 */
const parsed = parseConfig(process.env);
if (parsed.ok && parsed.config.sentry) {
  await initErrorReports({ ...parsed.config.sentry, secrets: secretsOf(parsed.config) });
}
