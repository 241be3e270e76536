import type { Reply } from '../../shared/reply.ts';
import { plain, type PrivateMessage } from '../private.ts';

/** `history`: the workspace's recent runs with their verdicts (one line each, job ids in code). */
export function historyReply(r: Extract<Reply, { kind: 'history' }>): PrivateMessage {
  return plain(r.text);
}
