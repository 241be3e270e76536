import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { reportRunId, reportUrl, withReportUrl, type ReportLinks } from '../../service/app/reports/index.ts';
import { presentRoot, type RunView } from '../../service/app/views/index.ts';
import { renderRoot } from '../../bots/discord/render.ts';
import { rootMessage } from '../../bots/slack/render.ts';
import { finishedView } from '../discord/views.ts';

/**
 * "Open full report": a finished comparison's root message links to its report page when report
 * links are on — a link button in Slack and in Discord — built from the run's id and finish time.
 */

const links: ReportLinks = { key: randomBytes(32), baseUrl: 'https://ll.example.com' };
const done = finishedView();
const linked = withReportUrl(done, links);

describe('report links on the final messages', () => {
  test('a finished comparison gets a stable URL at PUBLIC_URL/r/<token> that opens its run, for 30 days after it finished', () => {
    expect(linked.reportUrl).toMatch(/^https:\/\/ll\.example\.com\/r\/[A-Za-z0-9_-]{50}$/);
    expect(withReportUrl(done, links).reportUrl).toBe(linked.reportUrl); // every edit of the root carries the same link
    const token = linked.reportUrl!.split('/').at(-1)!;
    const finished = done.finishedAt!.getTime();
    expect(reportRunId(links.key, token, new Date(finished + 29 * 86_400_000))).toBe(done.id);
    expect(reportRunId(links.key, token, new Date(finished + 30 * 86_400_000))).toBeUndefined();
    expect(reportRunId(randomBytes(32), token, new Date(finished))).toBeUndefined();
  });

  test('no link while running, for a draft, or with links off', () => {
    const running: RunView = { ...done, status: 'running', finishedAt: null };
    expect(reportUrl(links, running)).toBeUndefined();
    expect(reportUrl(links, { ...done, kind: 'draft' })).toBeUndefined();
    expect(reportUrl(undefined, done)).toBeUndefined();
    expect(withReportUrl(done, undefined)).toBe(done);
    expect(presentRoot(done).actions.some((a) => a.kind === 'open_report')).toBe(false);
    expect(presentRoot(withReportUrl(running, links)).actions.some((a) => a.kind === 'open_report')).toBe(false);
  });

  test('the Presentation offers open_report with the URL; Slack renders a link button "Open full report"', () => {
    expect(presentRoot(linked).actions).toContainEqual({ kind: 'open_report', url: linked.reportUrl });
    const blocks = rootMessage(linked).blocks;
    const buttons = blocks.flatMap((b) => (b.type === 'actions' ? b.elements : []));
    const open = buttons.find((b) => b.text.text === 'Open full report');
    expect(open).toMatchObject({ type: 'button', url: linked.reportUrl });
    expect(open).not.toHaveProperty('value');
    expect(rootMessage(done).blocks.flatMap((b) => (b.type === 'actions' ? b.elements : [])).some((b) => b.text.text === 'Open full report')).toBe(false);
  });

  test('Discord renders a Link-style button (style 5) with the URL and no custom_id', () => {
    const buttons = renderRoot(linked).components.flatMap((row) => row.components);
    const open = buttons.find((b) => 'label' in b && b.label === 'Open full report');
    expect(open).toEqual({ type: 2, style: 5, label: 'Open full report', url: linked.reportUrl });
    expect(renderRoot(done).components.flatMap((row) => row.components).some((b) => 'label' in b && b.label === 'Open full report')).toBe(false);
  });
});
