import { z } from 'zod';
import type { DraftPhotoInput } from '../../service/app/drafts/index.ts';
import { DRAFT_PHOTOS } from './commands.ts';

/**
 * `/listing draft photo1:… photo8:…`: attachment options carry an attachment id; the attachment
 * itself (file name, CDN URL, size, content type) is in the interaction's `resolved` data. The
 * photos become draft inputs in option order (photo1 first); the worker downloads them from
 * Discord's CDN under the download limits.
 *
 * @see https://discord.com/developers/docs/interactions/receiving-and-responding#interaction-object-resolved-data-structure
 * @see https://discord.com/developers/docs/resources/message#attachment-object
 */

export const AttachmentSchema = z.object({
  id: z.string().regex(/^\d{1,20}$/),
  filename: z.string().min(1).max(300),
  url: z.string().min(1).max(2000),
  content_type: z.string().max(100).optional(),
  size: z.number().int().nonnegative().optional(),
});
export type Attachment = z.infer<typeof AttachmentSchema>;

export const ResolvedSchema = z.object({ attachments: z.record(z.string(), AttachmentSchema).optional() });

export function attachedPhotos(options: Readonly<Record<string, string | number | boolean>>, resolved: z.infer<typeof ResolvedSchema> | undefined): DraftPhotoInput[] {
  const photos: DraftPhotoInput[] = [];
  for (let i = 1; i <= DRAFT_PHOTOS; i++) {
    const id = options[`photo${i}`];
    const a = typeof id === 'string' ? resolved?.attachments?.[id] : undefined;
    if (!a) continue;
    photos.push({
      kind: 'url',
      platform: 'discord',
      url: a.url,
      name: a.filename.slice(0, 200),
      ...(a.content_type ? { mediaType: a.content_type } : {}),
      ...(a.size !== undefined ? { size: a.size } : {}),
    });
  }
  return photos;
}
