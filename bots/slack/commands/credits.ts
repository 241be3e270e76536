import type { Reply } from '../../shared/reply.ts';
import { plain, type PrivateMessage } from '../private.ts';

/** `credits`: balance (the literal `Balance: N credits`), today's use, the cap, recent ledger lines. */
export function creditsReply(r: Extract<Reply, { kind: 'credits' }>): PrivateMessage {
  const [first = '', ...rest] = r.text.split('\n');
  // The ledger lines are columns: a code block keeps them aligned.
  return rest.length ? { text: `${plain(first).text}\n\`\`\`${plain(rest.join('\n')).text}\`\`\`` } : plain(first);
}
