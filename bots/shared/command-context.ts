import type { RunOrigin } from '../../service/app/delivery/index.ts';
import type { DraftPhotoInput } from '../../service/app/drafts/index.ts';
import type { WorkspaceRef } from '../../service/domain/workspace.ts';

/** Who asked, from where: what every front end hands dispatch() beside the parsed Command. */
export interface CommandContext {
  readonly workspace: WorkspaceRef;
  readonly origin: RunOrigin;
  /** The platform's id for this delivery (Slack trigger_id, Discord interaction id): a redelivery is the same request. */
  readonly requestKey: string;
  readonly userId: string;
  /** Photos attached to the command (`draft`): Slack files from the draft form, Discord attachment options. */
  readonly photos?: readonly DraftPhotoInput[];
  /**
   * Whether the asker administers the workspace, as the front end established it (needed only by
   * admin-only commands, `permissions.ts`; absent: not established, so refused).
   */
  readonly admin?: boolean;
}
