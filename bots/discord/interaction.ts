import { z } from 'zod';
import type { RunOrigin } from '../../service/app/delivery/index.ts';
import { directMessageId, type WorkspaceRef } from '../../service/domain/workspace.ts';
import { ResolvedSchema } from './attachments.ts';

/**
 * The parts of an interaction payload we use, validated (the signature proves who sent it, not
 * that its shape is what we expect). Unknown fields are ignored.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object
 */

/** How long an interaction token can edit its response and send follow-ups. */
export const TOKEN_LIFETIME_MS = 15 * 60_000;

/** Where a run asked for by an interaction is delivered (originOf builds it; the sink delivers to it). */
export type DiscordOrigin = Extract<RunOrigin, { platform: 'discord' }>;

const Snowflake = z.string().regex(/^\d{1,20}$/);
const User = z.object({ id: Snowflake, username: z.string().optional() });

export const InteractionSchema = z.object({
  id: Snowflake,
  application_id: Snowflake,
  type: z.number().int(),
  token: z.string().min(1).max(500),
  guild_id: Snowflake.optional(),
  channel_id: Snowflake.optional(),
  channel: z.object({ id: Snowflake }).optional(),
  /** In a guild: the member, with their computed permissions in the channel (a bitfield string). */
  member: z.object({ user: User, permissions: z.string().regex(/^\d+$/).optional() }).optional(),
  /** In a DM: the user. */
  user: User.optional(),
  /** A component's interaction: the message the component is on. */
  message: z.object({ id: Snowflake }).optional(),
  data: z.unknown().optional(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

type OptionNode = { name: string; type: number; value?: string | number | boolean | undefined; options?: OptionNode[] | undefined };
const OptionSchema: z.ZodType<OptionNode> = z.lazy(() =>
  z.object({ name: z.string(), type: z.number().int(), value: z.union([z.string(), z.number(), z.boolean()]).optional(), options: z.array(OptionSchema).optional() }),
);

/** `resolved`: the attachments of attachment options (`draft`'s photos). */
export const CommandDataSchema = z.object({ name: z.string(), options: z.array(OptionSchema).optional(), resolved: ResolvedSchema.optional() });
/** `values`: what was chosen in a select menu. */
export const ComponentDataSchema = z.object({ custom_id: z.string().max(100), values: z.array(z.string().max(100)).max(25).optional() });
export const ModalDataSchema = z.object({ custom_id: z.string().max(100), components: z.array(z.unknown()).default([]) });

/** Option types that nest: SUB_COMMAND (1) and SUB_COMMAND_GROUP (2). */
const NESTING = new Set([1, 2]);

/**
 * `/listing experiment save job:…` → `{ path: ['experiment', 'save'], options: { job: '…' } }`.
 * Attachment options (type 11) carry the attachment id as their value.
 */
export function invocationOf(data: z.infer<typeof CommandDataSchema>): { path: string[]; options: Record<string, string | number | boolean> } {
  const path: string[] = [];
  const options: Record<string, string | number | boolean> = {};
  let level: OptionNode[] = data.options ?? [];
  for (;;) {
    const nested = level.find((o) => NESTING.has(o.type));
    if (!nested) break;
    path.push(nested.name);
    level = nested.options ?? [];
  }
  for (const o of level) if (o.value !== undefined) options[o.name] = o.value;
  return { path, options };
}

/** The text inputs of a submitted modal by custom_id (action rows, or the newer label components). */
export function modalValues(components: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as Record<string, unknown>;
    if (typeof n['custom_id'] === 'string' && typeof n['value'] === 'string') out[n['custom_id']] = n['value'];
    visit(n['components']);
    visit(n['component']);
  };
  visit(components);
  return out;
}

export function userIdOf(i: Interaction): string {
  const id = i.member?.user.id ?? i.user?.id;
  if (!id) throw new Error('interaction without a user');
  return id;
}

/** Workspace = guild; in a DM, the user alone (`dm:<user id>`; it draws no free credits). */
export function workspaceOf(i: Pick<Interaction, 'guild_id'> & { userId: string }): WorkspaceRef {
  return { platform: 'discord', externalId: i.guild_id ?? directMessageId(i.userId) };
}

export function workspaceOfOrigin(o: DiscordOrigin): WorkspaceRef {
  return workspaceOf({ ...(o.guildId ? { guild_id: o.guildId } : {}), userId: o.userId });
}

/** Where a run asked for by this interaction is delivered; stored on the run. */
export function originOf(i: Interaction, receivedAt: number): DiscordOrigin {
  const channelId = i.channel_id ?? i.channel?.id;
  if (!channelId) throw new Error('interaction without a channel');
  return {
    platform: 'discord',
    applicationId: i.application_id,
    interactionToken: i.token,
    tokenExpiresAt: receivedAt + TOKEN_LIFETIME_MS,
    channelId,
    ...(i.guild_id ? { guildId: i.guild_id } : {}),
    userId: userIdOf(i),
  };
}
