/**
 * Workspaces — who owns credits and runs (a Slack team, a Discord server or DM user, the CLI).
 * What the rest of the code may call: the read-only queries behind `credits`, `history` and
 * `status`, and chat app installations (tokens sealed at rest).
 */
export { creditsSummary, runHistory, runStatus, type HistoryLine, type QueryDeps } from './workspace-queries.ts';
export { createInstallations, type Installations } from './installations.ts';
