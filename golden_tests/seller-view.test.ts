import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderRoot, renderStageDetail, type DiscordMessage } from '../bots/discord/render.ts';
import { rootMessage, stageDetail } from '../bots/slack/render.ts';
import { finalReport } from '../bots/terminal/render.ts';
import { curly, type RunView } from '../service/app/views/index.ts';
import { startTestPipeline } from '../test/support/pipeline.ts';

/**
 * What a seller reads, over every golden pair, with their listing marked as A, as B, or not at
 * all: the Slack root and thread cards, the Discord root and cards, and the terminal's report.
 * Read as text, none of it may carry an internal code, a plural hack, a duplicate persona, an
 * unattributed quote or a word cut in half; with a side marked, only that side's fixes are
 * offered; every fix says its value now, its target and what it would do.
 */

const PAIRS = path.resolve(import.meta.dirname, 'pairs');
const pairs = readdirSync(PAIRS).sort();
const pipeline = await startTestPipeline();
const views = new Map<string, RunView>();
for (const name of pairs) views.set(name, await pipeline.compareFolders(path.join(PAIRS, name, 'A'), path.join(PAIRS, name, 'B')));

/** Every string a person reads in a Slack message (text, headers, sections, fields, context, buttons). */
function slackTexts(m: { text: string; blocks: readonly unknown[] }): string[] {
  const out = [m.text];
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      for (const [k, v] of Object.entries(x)) {
        if (k === 'text' && typeof v === 'string') out.push(v.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
        else if (k !== 'action_id' && k !== 'value' && k !== 'block_id') walk(v);
      }
    }
  };
  walk(m.blocks);
  return out;
}

function discordTexts(m: DiscordMessage): string[] {
  const out = [m.content];
  for (const e of m.embeds) {
    out.push(e.title ?? '', e.description ?? '', e.footer?.text ?? '');
    for (const f of e.fields ?? []) out.push(f.name, f.value);
  }
  for (const row of m.components) for (const c of row.components) if ('label' in c && c.label) out.push(c.label);
  return out;
}

interface Surface {
  readonly name: string;
  /** The root message (or the terminal's whole report). */
  readonly root: string;
  readonly cards: readonly string[];
}

function surfaces(v: RunView): Surface[] {
  const done = v.stages.filter((s) => s.status === 'succeeded' || s.status === 'failed');
  return [
    { name: 'slack', root: slackTexts(rootMessage(v)).join('\n'), cards: done.map((s) => slackTexts(stageDetail(v, s)).join('\n')) },
    { name: 'discord', root: discordTexts(renderRoot(v)).join('\n'), cards: done.map((s) => discordTexts(renderStageDetail(v, s)).join('\n')) },
    { name: 'terminal', root: finalReport(v).join('\n'), cards: [] },
  ];
}

/** What must never reach a person: internal codes, weights, evidence ids, rule-set ids, hashes, plural hacks. */
const DEFECTS: readonly [string, RegExp][] = [
  ['a stage code', /\b(?:ctr|pdp|avatars)\b|\(\w+, text\)/],
  ['a weight', /\bweight \d/i],
  ['an evidence id', /\b[AB]\.(?:main|gallery|title|bullets|description|reviews|ctr|pdp|text)\.[a-z_]+/],
  ['a rule-set id', /\bamazon-\d{4}-\d\d-\d\d\b/],
  ['a hash', /\bhash\b|\b[0-9a-f]{16,}\b/i],
  ['a dimension code', /\b(?:title_rules|review_alignment|productType)\b/],
  ['a plural hack', /\w\(s\)|\(es\)|\b1 (?:images|bullets|questions|problems|fixes|buyers)\b/],
  ['"in force"', /\bin force\b/],
  ['mixed quotes around a quote', /“[^”]*"|"[^"“”]*”/],
  ['a straight-quoted phrase (quotes are curly)', /(?:^|\s)"[A-Za-z][^"\n]*"(?=[\s.,;:)]|$)/m],
  ['a sentiment code', /\b(?:POSITIVE|NEGATIVE|MIXED)\b/],
];

/** Whole words a person could be shown: a word before "…" must be one of them (not "BEST S…"). */
function wordsOf(v: RunView): Set<string> {
  // The terminal prints everything uncut: its words and the data's are the whole words there are.
  return new Set(`${JSON.stringify(v)}\n${finalReport(v).join('\n')}`.match(/[\p{L}\p{N}]+/gu) ?? []);
}

function assertReadable(text: string, words: Set<string>, where: string): void {
  for (const [what, re] of DEFECTS) expect(re.exec(text)?.[0], `${what} in ${where}:\n${text}`).toBeUndefined();
  for (const m of text.matchAll(/([\p{L}\p{N}]+)…/gu)) expect(words.has(m[1]!), `"${m[0]}" is a word cut in half in ${where}`).toBe(true);
}

describe.each(pairs)('%s, as a seller reads it', (name) => {
  test.each([null, 'A', 'B'] as const)('mine: %s', (mine) => {
    const stored = views.get(name)!;
    expect(stored.status).toBe('succeeded');
    const v: RunView = { ...stored, mine, mineSource: mine ? 'asked' : null };
    const d = v.verdict!;
    const words = wordsOf(v);

    for (const s of surfaces(v)) {
      for (const [i, text] of [s.root, ...s.cards].entries()) assertReadable(text, words, `${s.name} ${i === 0 ? 'root' : `card ${i}`}`);

      // Fixes: with a side marked, only that side's; otherwise grouped per listing.
      if (mine) {
        const theirs = d.fixes.filter((f) => f.listing !== mine && !d.fixes.some((g) => g.listing === mine && g.action === f.action));
        for (const f of theirs) expect(s.root, `${s.name}: a fix for the other listing`).not.toContain(f.action.slice(0, 60));
        expect(s.root).toContain('Your fixes (');
        expect(s.root).not.toMatch(/Fixes for [AB] \(/);
      } else {
        for (const side of ['A', 'B'] as const) if (d.fixes.some((f) => f.listing === side)) expect(s.root).toMatch(new RegExp(`Fixes for ${side} \\(`));
      }
    }

    // Every fix names its value now, its target, the kind of work and its projected effect, and
    // the terminal (which prints them all) says each of them.
    const report = finalReport(v).join('\n');
    for (const f of d.fixes.filter((x) => !mine || x.listing === mine)) {
      expect(f.current, f.action).toBeTruthy();
      expect(f.target, f.action).toBeTruthy();
      expect(report).toContain(`now ${curly(f.current!)} → ${curly(f.target!)}`);
    }
    expect(report.match(/^ {4}\d+\. /gm)?.length ?? 0).toBe(d.fixes.filter((x) => !mine || x.listing === mine).length);
    for (const line of report.split('\n').filter((l) => /^ {8}now /.test(l))) expect(line).toMatch(/(?:text edit|photo edit|new shoot) · (?:\+\d\.\d points? overall|under \+0\.1 points overall|no score change we can project)/);

    // Three distinct buyers, each quote attributed to the listing whose reviews it comes from.
    const personas = v.avatars!.personas;
    expect(new Set(personas.map((p) => p.name.toLowerCase())).size).toBe(3);
    expect(new Set(personas.map((p) => p.caresAbout[0]!.aspect.toLowerCase())).size).toBe(3);
    const personaCard = /\nBuyer personas:\n([\s\S]*?)\nVerdict:\n/.exec(report)?.[1] ?? '';
    expect(personaCard).not.toBe('');
    for (const quote of personaCard.matchAll(/“[^”]+”( \([^)]*\))?/g)) {
      expect(quote[1], `unattributed quote ${quote[0]}`).toMatch(/ \((?:A's|B's|both listings') reviews\)/);
    }
  });
});
