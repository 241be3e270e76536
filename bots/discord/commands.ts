import { ApplicationCommandOptionType, ApplicationCommandType, ApplicationIntegrationType, InteractionContextType } from 'discord-api-types/v10';
import type {
  APIApplicationCommandBasicOption,
  APIApplicationCommandSubcommandGroupOption,
  APIApplicationCommandSubcommandOption,
  RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { OUTCOME_NOTE_MAX } from '../../service/app/outcomes/index.ts';
import { DRAFT_HINT_MAX, EXPERIMENT_TAGS, SUBCOMMANDS } from '../shared/command.ts';

/**
 * `/listing` as Discord sees it: one chat-input command whose subcommands and typed options mirror
 * the shared grammar (`commandFromOptions` reads exactly these option names). Names are
 * lower-case, ≤ 32 characters; descriptions ≤ 100.
 *
 * @see https://discord.com/developers/docs/interactions/application-commands#application-command-object
 */

/** The command's name: `/listing`. */
export const COMMAND_NAME = 'listing';

/** The credit packs offered as choices of `buy pack` (their prices live in the billing configuration). */
export const PACK_CHOICES = ['starter', 'team', 'agency'] as const;

/** How many photos `draft` takes (PRODUCT.md: 1–8). */
export const DRAFT_PHOTOS = 8;

export interface ListingCommandOptions {
  /** Register `draft` (photo attachments) once photo → listing drafts land. Default false. */
  readonly draft?: boolean;
  /** Register the `experiment` group (save, list, show, pin, unpin, rerun). Default true. */
  readonly experiments?: boolean;
  /** Pack ids offered as `buy pack` choices (default PACK_CHOICES; at most 25). */
  readonly packs?: readonly string[];
}

const str = (name: string, description: string, required: boolean, extra: Partial<APIApplicationCommandBasicOption> = {}): APIApplicationCommandBasicOption =>
  ({ type: ApplicationCommandOptionType.String, name, description, required, ...extra }) as APIApplicationCommandBasicOption;

const sub = (name: string, description: string, options: APIApplicationCommandBasicOption[] = []): APIApplicationCommandSubcommandOption => ({
  type: ApplicationCommandOptionType.Subcommand,
  name,
  description,
  options,
});

function draftSubcommand(): APIApplicationCommandSubcommandOption {
  const photos = Array.from({ length: DRAFT_PHOTOS }, (_, i): APIApplicationCommandBasicOption => ({
    type: ApplicationCommandOptionType.Attachment,
    name: `photo${i + 1}`,
    description: i === 0 ? 'A photo of the product (the main one)' : 'Another photo of the product',
    required: i === 0,
  }));
  // Optional options must follow every required one (photo1); the hints go last.
  const hints = [
    str('brand', 'The brand, if you know it (wins over what the photos suggest)', false, { max_length: DRAFT_HINT_MAX }),
    str('product_type', 'What the product is, e.g. "insulated water bottle"', false, { max_length: DRAFT_HINT_MAX }),
  ];
  return sub('draft', 'Listing drafts for Amazon, eBay, Etsy and Shopify from 1–8 product photos', [...photos, ...hints]);
}

/** `brand add|remove|list`: the server's own brands and ASINs (their comparisons are marked as theirs). */
function brandGroup(): APIApplicationCommandSubcommandGroupOption {
  const value = (description: string) => str('brand', description, true, { min_length: 1, max_length: 100 });
  return {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: 'brand',
    description: "This server's own brands and ASINs: comparisons of them are marked as yours",
    options: [
      sub('add', 'Add a brand or an ASIN: comparisons where one side is it are marked as yours', [value('A brand name as Amazon shows it, or an ASIN (B0…)')]),
      sub('remove', 'Remove a brand or an ASIN from the list', [value('The brand name or ASIN to remove')]),
      sub('list', "This server's brand list"),
    ],
  };
}

/** `outcome`: what really happened to a finished comparison; `calibration`: how often verdicts were right. */
function outcomeSubcommands(): APIApplicationCommandSubcommandOption[] {
  const side = (name: string, description: string, required: boolean, what: string) =>
    str(name, description, required, {
      choices: [
        { name: `A — the first listing ${what}`, value: 'A' },
        { name: `B — the second listing ${what}`, value: 'B' },
        { name: 'tie — neither did better', value: 'tie' },
      ],
    });
  return [
    sub('outcome', 'Record what really happened to a finished comparison (only you see the reply)', [
      str('job', 'The run id (8 characters are enough)', true, { min_length: 8, max_length: 36 }),
      side('result', 'Which listing really won (sales, an A/B test)', true, 'won'),
      side('click', 'Which listing really won the click, if you know (a CTR test)', false, 'won the click'),
      str('note', 'What the result is based on, e.g. "2-week A/B test"', false, { max_length: OUTCOME_NOTE_MAX }),
    ]),
    sub('calibration', 'How often verdicts matched the real results recorded here'),
  ];
}

/** `data export|delete`: the server's own data, for its admins (checked when used: Discord cannot restrict one subcommand). */
function dataGroup(): APIApplicationCommandSubcommandGroupOption {
  return {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: 'data',
    description: "This server's data (server admins)",
    options: [
      sub('export', 'A private link to everything this server stored, as one archive (server admins)'),
      sub('delete', 'Delete everything this server stored, after you confirm (server admins)'),
    ],
  };
}

function experimentGroup(): APIApplicationCommandSubcommandGroupOption {
  const id = (description: string) => str('id', description, true, { min_length: 8, max_length: 36 });
  return {
    type: ApplicationCommandOptionType.SubcommandGroup,
    name: 'experiment',
    description: 'Baselines, re-runs and score changes',
    options: [
      sub('save', 'Keep a finished run as a baseline', [str('job', 'The run id (8 characters are enough)', true, { min_length: 8, max_length: 36 }), str('name', 'A name for the experiment', false, { max_length: 80 })]),
      sub('list', "This server's experiments"),
      sub('show', 'An experiment with its score changes', [id('The experiment id')]),
      sub('pin', 'Pin an experiment (server admins)', [id('The experiment id')]),
      sub('unpin', 'Unpin an experiment (server admins)', [id('The experiment id')]),
      sub('rerun', 'Re-run a baseline after a change', [id('The experiment id'), str('tags', `What changed: ${EXPERIMENT_TAGS.join(', ')}`, true, { max_length: 200 })]),
    ],
  };
}

export function listingCommand(opts: ListingCommandOptions = {}): RESTPostAPIChatInputApplicationCommandsJSONBody {
  const listing = (description: string) => str(description.startsWith('First') ? 'a' : 'b', description, true, { min_length: 10, max_length: 500 });
  const options: (APIApplicationCommandSubcommandOption | APIApplicationCommandSubcommandGroupOption)[] = [
    sub('compare', 'Which of two Amazon listings wins the click and the sale, and what to fix', [
      listing('First listing: an ASIN or an amazon.com product URL'),
      listing('Second listing: an ASIN or an amazon.com product URL'),
      { type: ApplicationCommandOptionType.Boolean, name: 'fresh', description: 'Fetch both listings anew and skip the 24-hour de-duplication', required: false },
      str('mine', 'Which listing is yours (default: your brand list decides)', false, {
        choices: [
          { name: 'A — the first listing', value: 'A' },
          { name: 'B — the second listing', value: 'B' },
        ],
      }),
    ]),
    sub('credits', "This server's balance, today's use and recent ledger lines"),
    sub('buy', 'A checkout link for a credit pack (only you see it)', [
      str('pack', 'Which pack', false, { choices: (opts.packs ?? PACK_CHOICES).slice(0, 25).map((p) => ({ name: p, value: p })) }),
    ]),
    sub('history', "This server's recent comparisons and their verdicts"),
    sub('status', "Show a run's current state again", [str('job', 'The run id (8 characters are enough)', true, { min_length: 8, max_length: 36 })]),
    sub('help', 'Usage with examples', [str('topic', 'A subcommand', false, { choices: SUBCOMMANDS.map((s) => ({ name: s, value: s })) })]),
  ];
  if (opts.draft) options.splice(1, 0, draftSubcommand());
  if (opts.experiments !== false) options.push(experimentGroup());
  options.push(brandGroup(), ...outcomeSubcommands(), dataGroup());
  return {
    type: ApplicationCommandType.ChatInput,
    name: COMMAND_NAME,
    description: 'Compare two Amazon listings: which wins, why, and what to fix',
    options,
    contexts: [InteractionContextType.Guild, InteractionContextType.BotDM],
    integration_types: [ApplicationIntegrationType.GuildInstall],
  };
}
