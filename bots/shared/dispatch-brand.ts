import type { BrandEntry, BrandListServices } from '../../service/app/workspaces/index.ts';
import { BRAND_LIST_MAX } from '../../service/app/workspaces/index.ts';
import { assertNever } from '../../service/domain/errors.ts';
import type { BrandCommand } from './command.ts';
import type { CommandContext } from './command-context.ts';
import type { Reply } from './reply.ts';

/**
 * `brand add|remove|list` for every front end (the terminal too): the brand list use-cases
 * answered privately, saying what the list now holds and what it does. Plain text, no markup:
 * a brand is shown as it was typed.
 */
export async function brandReply(cmd: BrandCommand, ctx: Pick<CommandContext, 'workspace' | 'userId'>, brands: BrandListServices): Promise<Extract<Reply, { kind: 'private' }>> {
  return { kind: 'private', text: await brandText(cmd, ctx, brands) };
}

export async function brandText(cmd: BrandCommand, ctx: Pick<CommandContext, 'workspace' | 'userId'>, brands: BrandListServices): Promise<string> {
  switch (cmd.action) {
    case 'add': {
      const { entry, changed, list } = await brands.add(ctx.workspace, cmd.value, ctx.userId);
      const head = changed ? `Added ${named(entry)} to the brand list.` : `${cap(named(entry))} is already on the brand list.`;
      return [head, `Comparisons where one side is ${entry.value} are ${changed ? 'now ' : ''}marked as yours.`, listLine(list)].join('\n');
    }
    case 'remove': {
      const { entry, changed, list } = await brands.remove(ctx.workspace, cmd.value);
      const head = changed
        ? `Removed ${named(entry)} from the brand list: new comparisons where one side is ${entry.value} are no longer marked as yours (runs already marked keep their mark).`
        : `${cap(named(entry))} is not on the brand list: nothing changed.`;
      return [head, listLine(list)].join('\n');
    }
    case 'list':
      return listLine(await brands.list(ctx.workspace), true);
    default:
      return assertNever(cmd, 'brand command');
  }
}

function named(entry: BrandEntry): string {
  return entry.kind === 'asin' ? `ASIN ${entry.value}` : entry.value;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** What the list holds; `explain`: also what it does (the answer to `brand list`). */
function listLine(list: readonly BrandEntry[], explain = false): string {
  if (list.length === 0) {
    return 'The brand list is empty. Add your brands or ASINs, and comparisons where one side is one of them are marked as yours.';
  }
  const entries = list.map((e) => (e.kind === 'asin' ? `${e.value} (ASIN)` : e.value)).join(', ');
  if (!explain) return `The brand list now holds ${list.length} of ${BRAND_LIST_MAX}: ${entries}.`;
  return [
    `The brand list holds ${list.length} of ${BRAND_LIST_MAX}: ${entries}.`,
    'A comparison where exactly one side has a brand or ASIN on it is marked as yours (by ASIN at once, by brand once the listings are fetched).',
  ].join('\n');
}
