import type { Reply } from '../../shared/reply.ts';
import type { AppServices } from '../../../service/app/services.ts';
import type { WorkspaceRef } from '../../../service/domain/workspace.ts';
import { section } from '../blocks.ts';
import type { PrivateMessage } from '../private.ts';
import { rootMessage } from '../render.ts';

/**
 * `compare`: the run's root message is posted in the channel by the delivery layer, so a new run
 * needs no private reply. A pair compared in the last 24 hours gets that run's current state,
 * privately; a button pressed twice is told where the first press went.
 */
export async function startedReply(
  r: Extract<Reply, { kind: 'started' }>,
  ctx: { services: AppServices; workspace: WorkspaceRef; via: 'command' | 'button' },
): Promise<PrivateMessage | undefined> {
  switch (r.existing) {
    case null:
      return r.queuePosition != null ? { text: `Queued as job \`${r.shortId}\` (#${r.queuePosition} in line): it starts when a slot frees up.` } : undefined;
    case 'same_request':
      // A redelivered slash command: its first delivery already answered.
      return ctx.via === 'button' ? { text: `Already started as job \`${r.shortId}\`: see \`/listing status ${r.shortId}\`.` } : undefined;
    case 'recent_pair': {
      const view = await ctx.services.status(ctx.workspace, r.runId);
      const root = rootMessage(view, { buttons: false });
      const note = `These listings were compared in the last 24 hours (job \`${r.shortId}\`). Add \`fresh\` to run a new comparison.`;
      return { text: `${note}\n${root.text}`, blocks: [section(note), ...root.blocks].slice(0, 50) };
    }
  }
}
