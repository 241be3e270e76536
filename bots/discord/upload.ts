import type { Scorecard } from '../scorecard/scorecard.ts';
import type { MessageBody, MessageFile } from './api.ts';
import { clip } from './limits.ts';

/**
 * A message body with the scorecard attached and shown as its embed's image: the PNG goes as
 * multipart `files[0]`, `attachments: [{ id: 0, filename, description }]` names and describes it
 * (the description is its alt text), and the first embed's `image.url` is
 * `attachment://<filename>`, so the image sits inside the result card instead of below it.
 * `attachments` being present also replaces whatever the message had, so editing it again with the
 * same file leaves one attachment, never two.
 *
 * @see https://discord.com/developers/docs/reference#uploading-files
 * @see https://discord.com/developers/docs/reference#editing-message-attachments
 * @see https://discord.com/developers/docs/resources/message#embed-object-embed-image-structure
 */
export function withScorecardImage(body: MessageBody, card: Scorecard): { body: MessageBody; files: MessageFile[] } {
  const filename = attachmentName(card.filename);
  const [first, ...rest] = (body.embeds ?? []) as Record<string, unknown>[];
  const image = { url: `attachment://${filename}` };
  // A root always has an embed; should one ever come without, the image still shows as the attachment.
  const embeds = first ? [{ ...first, image }, ...rest] : body.embeds;
  return {
    body: { ...body, embeds, attachments: [{ id: 0, filename, description: clip(card.alt, ATTACHMENT_DESCRIPTION_MAX) }] },
    files: [{ name: filename, data: card.png, contentType: 'image/png' }],
  };
}

/** Discord's limit on an attachment's description (its alt text). */
const ATTACHMENT_DESCRIPTION_MAX = 1024;

/** `attachment://` references match only plain ASCII names: letters, digits, `_`, `-`, `.`. */
function attachmentName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /\.png$/i.test(safe) ? safe : `${safe || 'scorecard'}.png`;
}
