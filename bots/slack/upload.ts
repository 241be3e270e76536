import { ErrorCode, type FilesGetUploadURLExternalArguments, type KnownBlock, type WebClient } from '@slack/web-api';
import type { Block } from './blocks.ts';

/**
 * One file into a thread with Slack's external upload flow (files.upload is retired):
 * `files.getUploadURLExternal` (filename, length, alt text) → POST the bytes to the returned
 * `upload_url` → `files.completeUploadExternal` (`files: [{ id, title }]`, `channel_id`,
 * `thread_ts`), which shares the file in the thread. Needs the `files:write` scope.
 *
 * Until completeUploadExternal, the file is private and never shown (Slack drops uncompleted
 * uploads), so repeating the first two steps is harmless; completing twice would show the image
 * twice. `beforeComplete` runs just before that call: the caller records the upload there, so a
 * crash after it is not repeated.
 *
 * The file's message can carry Block Kit blocks (completeUploadExternal's `blocks`; no
 * `initial_comment`, which would make Slack ignore them): the thread's stage cards and the image
 * as one reply. Should Slack refuse those blocks (a block the file message does not take), the
 * file is completed without them and the caller posts the cards on their own: the refused call
 * completed nothing, so the second one shares the file once.
 *
 * Not the SDK's `files.uploadV2`: it does the same three calls but takes several files, channels
 * and content sources, and would hide the point of no return this needs.
 *
 * @see https://docs.slack.dev/reference/methods/files.getUploadURLExternal
 * @see https://docs.slack.dev/reference/methods/files.completeUploadExternal
 */

export interface ThreadUpload {
  readonly channelId: string;
  /** The root message's ts (never a reply's: Slack's thread_ts rule). */
  readonly threadTs: string;
  readonly bytes: Buffer;
  readonly filename: string;
  /** Shown above the file in the thread. */
  readonly title: string;
  /** What the image shows, for screen readers (Slack keeps up to 1000 characters). */
  readonly altText: string;
  /** Blocks for the file's message (omitted: the file alone). */
  readonly blocks?: readonly Block[] | undefined;
}

export interface SharedUpload {
  readonly fileId: string;
  /** The message carries `blocks` (false when none were given or Slack refused them). */
  readonly withBlocks: boolean;
}

export interface UploadOptions {
  /** The upload POST's timeout (default 30 000 ms). */
  readonly timeoutMs?: number;
  /** Told when Slack refused the blocks and the file was shared without them. */
  readonly onBlocksRefused?: (e: unknown) => void;
}

/** Slack's answers to blocks it does not take in a message; anything else is not about the blocks. */
const BLOCKS_REFUSED: ReadonlySet<string> = new Set(['invalid_blocks', 'invalid_blocks_format', 'internal_error', 'invalid_arguments']);

/** Uploads and shares `file`; answers Slack's file id. Throws on any failure (the Web API's error, or the upload's status). */
export async function uploadToThread(client: WebClient, file: ThreadUpload, beforeComplete: (fileId: string) => Promise<void>, opts: UploadOptions = {}): Promise<SharedUpload> {
  // Slack's method documents the alt text as `alt_txt` (the SDK's type spells it alt_text, which
  // the method does not list): sent as documented.
  const args: FilesGetUploadURLExternalArguments & { alt_txt: string } = {
    filename: file.filename,
    length: file.bytes.length,
    alt_txt: file.altText.slice(0, 1000),
  };
  const target = await client.files.getUploadURLExternal(args);
  if (!target.upload_url || !target.file_id) throw new Error('files.getUploadURLExternal answered without upload_url or file_id');

  // Raw bytes (the method's usage notes: "raw bytes or multipart form encoded"; 200 means stored).
  // The URL is pre-signed: no token is sent, and it never appears in an error.
  const res = await fetch(target.upload_url, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: new Uint8Array(file.bytes),
    signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
  });
  await res.arrayBuffer().catch(() => undefined); // drain: the connection is reused
  if (res.status !== 200) throw new Error(`Slack's file upload answered ${res.status} for ${file.filename}`);

  await beforeComplete(target.file_id);
  const complete = { files: [{ id: target.file_id, title: file.title }] as [{ id: string; title: string }], channel_id: file.channelId, thread_ts: file.threadTs };
  if (file.blocks?.length) {
    try {
      await client.files.completeUploadExternal({ ...complete, blocks: [...file.blocks] as KnownBlock[] });
      return { fileId: target.file_id, withBlocks: true };
    } catch (e) {
      if (!blocksRefused(e)) throw e;
      opts.onBlocksRefused?.(e);
    }
  }
  await client.files.completeUploadExternal(complete);
  return { fileId: target.file_id, withBlocks: false };
}

function blocksRefused(e: unknown): boolean {
  const err = e as { code?: unknown; data?: { error?: unknown } };
  return err?.code === ErrorCode.PlatformError && typeof err.data?.error === 'string' && BLOCKS_REFUSED.has(err.data.error);
}
