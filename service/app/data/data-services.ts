import type { Db } from '../../db/client.ts';
import type { Clock } from '../../providers/provider.ts';
import type { ReportLinks } from '../reports/index.ts';
import { confirmDelete, requestDelete } from './delete-workspace.ts';
import { requestExport } from './export-link.ts';
import type { DataServices } from './types.ts';

export interface DataDeps {
  readonly db: Db;
  readonly clock: Clock;
  /** Signing key and PUBLIC_URL (the same as report links); undefined: export links are off (the CLI still writes archives). */
  readonly links: Pick<ReportLinks, 'key' | 'baseUrl'> | undefined;
}

export function createDataServices(deps: DataDeps): DataServices {
  return {
    requestExport: (ref, by) => requestExport(deps, ref, by),
    requestDelete: (ref, by) => requestDelete(deps, ref, by),
    confirmDelete: (ref, id, by) => confirmDelete(deps, ref, id, by),
  };
}
