import type { RunView } from '../../../service/app/views/index.ts';
import type { PrivateMessage } from '../private.ts';
import { rootMessage } from '../render.ts';

/**
 * `status <job>`: the run as its root message would show it now, privately and without buttons.
 * The fallback when the root could not be posted or edited.
 */
export function statusReply(view: RunView): PrivateMessage {
  const msg = rootMessage(view, { buttons: false });
  return { text: msg.text, blocks: msg.blocks };
}
