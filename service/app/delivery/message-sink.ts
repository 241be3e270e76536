import type { ExperimentCard, RunView, StageView } from '../views/index.ts';

/**
 * The delivery layer shared by Slack and Discord: a run's messages are rendered from the
 * database by the `deliver_run` task and handed to the platform's sink. Sinks are transport only
 * (bots/<platform>/sink.ts), injected by service/main.
 */

/** Where a run was asked from: enough to post, edit and reply privately. Stored on the run. */
export type RunOrigin =
  | {
      readonly platform: 'slack';
      readonly teamId: string;
      readonly channelId: string;
      readonly userId: string;
      /** Slack's response_url: private (ephemeral) replies for 30 minutes. */
      readonly responseUrl?: string;
      readonly enterpriseId?: string;
    }
  | {
      readonly platform: 'discord';
      readonly applicationId: string;
      /** The interaction token: edits `@original` for 15 minutes after the interaction. */
      readonly interactionToken: string;
      /** Epoch ms after which the interaction token is no longer valid. */
      readonly tokenExpiresAt: number;
      readonly channelId: string;
      readonly guildId?: string;
      readonly userId: string;
    }
  | { readonly platform: 'cli' };

export type ChatPlatform = 'slack' | 'discord';

/** A stored platform message reference (chat_messages row). */
export interface MessageRef {
  readonly channelId: string;
  /** Slack ts / Discord message id. */
  readonly messageRef: string;
  /** Slack thread_ts / Discord thread channel id. */
  readonly threadRef: string | null;
}

/** A message could not be delivered for a reason the user can fix (the bot is not in the channel…). */
export class DeliveryRefused extends Error {
  readonly reason: 'not_in_channel' | 'channel_not_found' | 'missing_permissions' | 'token_revoked' | 'other';
  constructor(reason: DeliveryRefused['reason'], message: string) {
    super(message);
    this.name = 'DeliveryRefused';
    this.reason = reason;
  }
}

/** What a delivery read about the run's workspace with the run (db/repos/messages.ts readForDelivery). */
export interface RootFacts {
  /** The workspace's balance when the run was read: a finished run offers "Buy credits" when it is low. */
  readonly balance?: number;
}

export interface MessageSink<O extends RunOrigin = RunOrigin> {
  readonly platform: ChatPlatform;
  /**
   * Posts the run's root message (existing undefined) or edits it in place. `facts`: what the
   * delivery read along with the run, in the same statement (a sink that needs more asks itself).
   */
  upsertRoot(view: RunView, origin: O, existing: MessageRef | undefined, facts?: RootFacts): Promise<MessageRef>;
  /**
   * Posts settled stages' detail cards as replies to the root (in its thread), together: as one
   * message where the platform allows (Slack: up to 50 blocks; Discord: up to 10 embeds, 6,000
   * characters), in as few as it takes otherwise. `posted` is awaited after each message with the
   * cards it carried, so they are recorded before the next is posted.
   */
  postStageDetails(view: RunView, stages: readonly StageView[], origin: O, root: MessageRef, posted: CardsPosted): Promise<void>;
  /** Posts a re-run's deltas against its experiment's baseline in the root's thread (omitted: not shown). */
  postExperimentCard?(card: ExperimentCard, origin: O, root: MessageRef): Promise<MessageRef>;
  /**
   * Publishes a finished comparison's scorecard image once (omitted: no scorecard on this sink).
   * The sink renders it (its renderer is injected) and puts it where the platform shows it best:
   * Slack uploads a file into the root's thread, Discord attaches it to the root's final edit.
   *
   * `claim` records the scorecard as posted. A sink whose publication cannot be repeated safely
   * (Slack: a second completeUploadExternal is a second file in the thread) calls it just before
   * the point of no return, so a crash after that point is never repeated: at most one scorecard,
   * rarely none. A sink whose publication is an idempotent edit (Discord) need not call it; the
   * returned reference is recorded either way. Failures are thrown: deliver_run logs them and
   * delivers the messages regardless.
   *
   * `cards` are the stage cards not posted yet: a sink whose scorecard is a message of its own in
   * the thread (Slack) may carry them in it, one message instead of two, and says so
   * (`carriedCards`); the others are then posted with postStageDetails.
   */
  postScorecard?(view: RunView, origin: O, root: MessageRef, claim: ScorecardClaim, cards: readonly StageView[]): Promise<PostedScorecard>;
  /** Tells the requester privately (the root could not be posted, how to fix it). */
  notifyPrivately(origin: O, text: string): Promise<void>;
  /** A notice in a workspace channel (e.g. a purchase confirmation), outside any run. */
  postNotice(workspaceExternalId: string, channelId: string, text: string): Promise<void>;
}

export interface PostedScorecard {
  readonly ref: MessageRef;
  /** The stage cards went out in the scorecard's message. */
  readonly carriedCards: boolean;
}

/** Records the stage cards one message carried, under their stages' keys. */
export type CardsPosted = (cards: readonly StageView[], ref: MessageRef) => Promise<void>;

/** Records the scorecard as posted (key `scorecard`), before a step that must not run twice. */
export type ScorecardClaim = (ref: MessageRef) => Promise<void>;

export type Sinks = { readonly [P in ChatPlatform]?: MessageSink<Extract<RunOrigin, { platform: P }>> };
