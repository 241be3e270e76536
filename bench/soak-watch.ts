/**
 * When is a soak run over? When its row is terminal (succeeded, partial, failed) and — for the
 * person who asked — its root message in the channel shows the verdict and its scorecard is shared
 * (the same test as the bench's `delivered()` in run.ts). One loop answers for every run in flight:
 * one statement per tick for all of them, and the Slack emulator's messages read once each
 * (indexed by channel as they arrive), where a poll per run would scan all messages every 25 ms
 * and, over a thousand runs, bill the bench's own CPU to the service's machine.
 */
import type postgres from 'postgres';
import type { EmulatedMessage, SlackEmulator } from '../test/emulators/slack.ts';

export type RunOutcome =
  /** Terminal in the database and shown to the user. */
  | { readonly kind: 'delivered'; readonly status: string }
  /** Terminal in the database, but the verdict or scorecard never reached the channel in time. */
  | { readonly kind: 'undelivered'; readonly status: string }
  /** No terminal run for the workspace in time (the command refused, or the run stuck). */
  | { readonly kind: 'missing' };

export interface Watched {
  readonly team: string;
  readonly channel: string;
}

interface Pending extends Watched {
  readonly since: number;
  status?: string;
  finishedSeenAt?: number;
  resolve(outcome: RunOutcome): void;
}

const TERMINAL = ['succeeded', 'partial', 'failed'];

/** What a channel shows now: for a run reported undelivered, which half is missing. */
export interface ChannelState {
  readonly verdictShown: boolean;
  readonly scorecardShared: boolean;
  /** Its root messages' texts (the first 80 characters of each), oldest first. */
  readonly roots: readonly string[];
}

export interface CompletionWatcher {
  /** Resolves once the run of `team` is over (see RunOutcome); call right after sending its command. */
  wait(run: Watched): Promise<RunOutcome>;
  /** The channel as the emulator has it now (read afresh, not from the last tick). */
  channel(channel: string): ChannelState;
  close(): void;
}

export function watchCompletions(sql: postgres.Sql, slack: SlackEmulator, opts: { readonly runTimeoutMs: number; readonly deliveryTimeoutMs: number; readonly tickMs?: number }): CompletionWatcher {
  const pending = new Map<string, Pending>();
  const roots = new Map<string, EmulatedMessage[]>();
  const sharedIn = new Set<string>();
  let messagesSeen = 0;
  let filesSeen = 0;
  let closed = false;

  /** Messages and files since the last tick; a root's text changes in place on chat.update. */
  const index = () => {
    for (; messagesSeen < slack.messages.length; messagesSeen++) {
      const m = slack.messages[messagesSeen]!;
      if (!m.threadTs) roots.set(m.channel, [...(roots.get(m.channel) ?? []), m]);
    }
    for (; filesSeen < slack.sharedFiles.length; filesSeen++) sharedIn.add(slack.sharedFiles[filesSeen]!.channel);
  };
  const verdictShown = (channel: string) => (roots.get(channel) ?? []).some((m) => String(m.text).startsWith('Verdict:'));
  const delivered = (channel: string) => sharedIn.has(channel) && verdictShown(channel);
  const settle = (p: Pending, outcome: RunOutcome) => {
    pending.delete(p.team);
    p.resolve(outcome);
  };

  const tick = async () => {
    const open = [...pending.values()].filter((p) => p.status === undefined).map((p) => p.team);
    if (open.length) {
      const rows = await sql<{ team: string; status: string }[]>`
        select w.external_id as team, r.status from runs r join workspaces w on w.id = r.workspace_id
        where w.external_id = any(${open}::text[]) and r.status = any(${TERMINAL}::text[])`;
      for (const r of rows) {
        const p = pending.get(r.team);
        if (p) Object.assign(p, { status: r.status, finishedSeenAt: Date.now() });
      }
    }
    index();
    const now = Date.now();
    for (const p of [...pending.values()]) {
      if (p.status !== undefined && delivered(p.channel)) settle(p, { kind: 'delivered', status: p.status });
      else if (p.status !== undefined && now - p.finishedSeenAt! > opts.deliveryTimeoutMs) settle(p, { kind: 'undelivered', status: p.status });
      else if (p.status === undefined && now - p.since > opts.runTimeoutMs) settle(p, { kind: 'missing' });
    }
  };
  const loop = async () => {
    while (!closed) {
      // A failed tick (the database briefly busy) is retried on the next one.
      await tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, opts.tickMs ?? 200));
    }
  };
  void loop();

  return {
    wait: (run) => new Promise<RunOutcome>((resolve) => pending.set(run.team, { ...run, since: Date.now(), resolve })),
    channel(channel) {
      index();
      return { verdictShown: verdictShown(channel), scorecardShared: sharedIn.has(channel), roots: (roots.get(channel) ?? []).map((m) => String(m.text).slice(0, 80)) };
    },
    close() {
      closed = true;
      for (const p of [...pending.values()]) settle(p, { kind: 'missing' });
    },
  };
}
