import { createScorecardRenderer, type RenderScorecard } from '../../bots/scorecard/index.ts';
import type { DbHandle } from '../db/client.ts';
import { getImage } from '../db/repos/blobs.ts';

/** The scorecard renderer the chat sinks upload with, reading main images from the image store. */
export const scorecardRenderer = (db: Pick<DbHandle, 'db'>): RenderScorecard =>
  createScorecardRenderer({ loadImage: async (sha) => (await getImage(db.db, sha))?.bytes });
