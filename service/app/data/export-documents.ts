import type {
  ExportRunRow,
  ExportStageRow,
  ExportWorkspaceRow,
  workspaceBrandRows,
  workspaceExperiments,
  workspaceImageIndex,
  workspaceLedger,
  workspaceOutcomes,
  workspacePurchases,
} from '../../db/repos/workspace-data.ts';

/**
 * The JSON documents of an export archive (layout version 1, docs/export-format.md): each is a
 * plain mapping of the workspace's rows to named fields, so the format stays what the document
 * says even when a table gains a column. A field added here is a change to docs/export-format.md;
 * a field renamed or removed is a new layout version.
 */

export const EXPORT_FORMAT = 'listinglab-export';
export const EXPORT_VERSION = 1;
/** Every path in the archive starts with this folder, so extracting never scatters files. */
export const ROOT = 'listinglab-export';

type Rows<F extends (...args: never[]) => Promise<unknown>> = Awaited<ReturnType<F>>;

export function workspaceDocument(ws: ExportWorkspaceRow) {
  return {
    id: ws.id,
    platform: ws.platform,
    externalId: ws.externalId,
    name: ws.name,
    balance: ws.balance,
    notifyChannel: ws.notifyChannel,
    createdAt: ws.createdAt,
  };
}

function stageDocument(s: ExportStageRow) {
  return {
    name: s.stage,
    status: s.status,
    output: s.output,
    orders: s.orders,
    provider: s.provider,
    model: s.model,
    promptVersion: s.promptVersion,
    promptHash: s.promptHash,
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    costUsd: s.costUsd,
    latencyMs: s.latencyMs,
    credits: s.credits,
    cached: s.cached,
    attempts: s.attempts,
    errorCode: s.errorCode,
    errorMessage: s.errorMessage,
    startedAt: s.startedAt,
    finishedAt: s.finishedAt,
  };
}

/**
 * A run and its stages. `origin` (where the run was asked from) is left out: for Discord it holds
 * the interaction token, a credential; the chat messages a run was delivered to are left out too.
 */
export function runDocument(run: ExportRunRow, stages: readonly ExportStageRow[]) {
  const verdict = stages.find((s) => s.stage === 'verdict' && s.status === 'succeeded');
  return {
    id: run.id,
    kind: run.kind,
    status: run.status,
    inputs: run.inputs,
    fresh: run.fresh,
    mine: run.mine,
    mineSource: run.mineSource,
    requestedBy: run.requestedBy,
    pinnedPrompts: run.pinnedPrompts,
    reservedCredits: run.reservedCredits,
    generation: run.generation,
    errorCode: run.errorCode,
    verdict: verdict?.output ?? null,
    verdictHash: run.verdictHash,
    createdAt: run.createdAt,
    admittedAt: run.admittedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    settledAt: run.settledAt,
    stages: stages.map(stageDocument),
  };
}

export function experimentsDocument(rows: Rows<typeof workspaceExperiments>) {
  return {
    experiments: rows.experiments.map((e) => ({
      id: e.id,
      name: e.name,
      notes: e.notes,
      baselineRunId: e.baselineRunId,
      pair: e.pair,
      baselineSnapshot: e.baselineSnapshot,
      pinned: e.pinned,
      createdAt: e.createdAt,
      reruns: rows.runs
        .filter((r) => r.experimentId === e.id)
        .map((r) => ({ id: r.id, runId: r.runId, tags: r.tags, snapshot: r.snapshot, createdAt: r.createdAt })),
    })),
  };
}

export function outcomesDocument(rows: Rows<typeof workspaceOutcomes>) {
  return {
    outcomes: rows.map((o) => ({
      id: o.id,
      runId: o.runId,
      result: o.result,
      clickResult: o.clickResult,
      note: o.note,
      verdict: o.verdict,
      recordedBy: o.recordedBy,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    })),
  };
}

export function ledgerDocument(ledger: Rows<typeof workspaceLedger>) {
  return {
    balance: ledger.balance,
    sum: ledger.lines.reduce((total, l) => total + l.amount, 0),
    lines: ledger.lines.map((l) => ({ id: l.id, amount: l.amount, kind: l.kind, runId: l.runId, key: l.idempotencyKey, note: l.note, createdAt: l.createdAt })),
  };
}

/** Checkout sessions. Their Checkout URL is left out: while open it is a live payment page. */
export function purchasesDocument(rows: Rows<typeof workspacePurchases>) {
  return {
    purchases: rows.map((p) => ({
      id: p.id,
      pack: p.pack,
      credits: p.credits,
      amountCents: p.amountCents,
      paymentIntent: p.paymentIntent,
      refundedCents: p.refundedCents,
      disputedCents: p.disputedCents,
      lostDisputes: p.lostDisputes,
      reversedCredits: p.reversedCredits,
      channelId: p.channelId,
      requestedBy: p.requestedBy,
      createdAt: p.createdAt,
      expiresAt: p.expiresAt,
      completedAt: p.completedAt,
    })),
  };
}

export function brandsDocument(rows: Rows<typeof workspaceBrandRows>) {
  return { brands: rows.map((b) => ({ id: b.id, kind: b.kind, value: b.value, key: b.key, addedBy: b.addedBy, createdAt: b.createdAt })) };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
};

/** `images/<sha256>.<ext>`: the extension from the stored media type (`bin` for one not listed). */
export function imagePath(image: { sha256: string; mediaType: string }): string {
  return `images/${image.sha256}.${EXTENSIONS[image.mediaType] ?? 'bin'}`;
}

export type ImageEntry = Rows<typeof workspaceImageIndex>[number];

export function imagesDocument(written: readonly ImageEntry[]) {
  return {
    images: written.map((i) => ({
      sha256: i.sha256,
      file: imagePath(i),
      mediaType: i.mediaType,
      width: i.width,
      height: i.height,
      byteSize: i.byteSize,
      sourceUrl: i.sourceUrl,
      runIds: i.runIds,
    })),
  };
}

export const README = (ws: ExportWorkspaceRow, exportedAt: Date) => `ListingLab data export
======================

This archive holds everything ListingLab keeps for the ${ws.platform} workspace ${ws.name ? `"${ws.name}" ` : ''}(${ws.externalId}),
as it was at ${exportedAt.toISOString()}: its comparisons and drafts with every stage's output and
verdict, saved experiments, recorded real results, the credit ledger, purchases, the brand list,
and the listing images its runs used.

The other files are JSON (UTF-8), apart from the images. manifest.json lists every file with its size and
SHA-256; the layout is described in ListingLab's docs/export-format.md (format
"${EXPORT_FORMAT}", version ${EXPORT_VERSION}).
`;
