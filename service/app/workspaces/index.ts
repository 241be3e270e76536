/**
 * Workspaces — who owns credits and runs (a Slack team, a Discord server or DM user, the CLI).
 * What the rest of the code may call: the read-only queries behind `credits`, `history` and
 * `status`, chat app installations (tokens sealed at rest, re-sealed under a new key by
 * `listinglab keys rotate`), and the brand list (the workspace's own
 * brands and ASINs, which mark a comparison's side as theirs).
 */
export { creditsSummary, runHistory, runStatus, type HistoryLine, type QueryDeps } from './workspace-queries.ts';
export { createInstallations, type Installations } from './installations.ts';
export { reencryptInstallations, type ReencryptResult, type UnreadableInstallation } from './reencrypt-installations.ts';
export { brandEntryOf, brandKey, createBrandList, BRAND_LIST_MAX, BRAND_VALUE_MAX, type BrandEntry, type BrandListChange, type BrandListServices } from './brand-list.ts';
