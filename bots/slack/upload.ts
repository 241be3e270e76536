import type { FilesGetUploadURLExternalArguments, WebClient } from '@slack/web-api';

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
}

export interface UploadOptions {
  /** The upload POST's timeout (default 30 000 ms). */
  readonly timeoutMs?: number;
}

/** Uploads and shares `file`; answers Slack's file id. Throws on any failure (the Web API's error, or the upload's status). */
export async function uploadToThread(client: WebClient, file: ThreadUpload, beforeComplete: (fileId: string) => Promise<void>, opts: UploadOptions = {}): Promise<string> {
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
  await client.files.completeUploadExternal({ files: [{ id: target.file_id, title: file.title }], channel_id: file.channelId, thread_ts: file.threadTs });
  return target.file_id;
}
