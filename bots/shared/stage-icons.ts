import type { StageView } from '../../service/app/views/index.ts';

/** How each front end marks a stage's status in its checklists (comparison and draft alike). */
export const STAGE_ICONS: Record<'slack' | 'discord' | 'terminal', Record<StageView['status'], string>> = {
  slack: {
    pending: ':white_circle:',
    queued: ':white_circle:',
    running: ':hourglass_flowing_sand:',
    succeeded: ':white_check_mark:',
    failed: ':x:',
    skipped: ':heavy_minus_sign:',
  },
  discord: { pending: '⏳', queued: '⏳', running: '🔄', succeeded: '✅', failed: '❌', skipped: '➖' },
  terminal: { pending: '·', queued: '·', running: '…', succeeded: '✓', failed: '✗', skipped: '–' },
};
