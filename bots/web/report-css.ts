import { createHash } from 'node:crypto';

/**
 * The report page's one stylesheet, inlined and allowed by its hash in the Content-Security-Policy
 * (no other style, no script, nothing from another origin). Phone first: one column, nothing
 * wider than the screen; from 760 px the two listings stand side by side. Print: no navigation,
 * images kept within the page, a fix never split across pages. Colours meet WCAG AA (4.5:1) on
 * white and on the tinted blocks.
 */
export const REPORT_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
a{color:#0b57d0}
a:focus-visible{outline:3px solid #0b57d0;outline-offset:2px}
.skip{position:absolute;left:-9999px}
.skip:focus{left:8px;top:8px;background:#fff;padding:4px 8px}
header.page,main,footer.page{max-width:1240px;margin:0 auto;padding:0 16px}
header.page{padding-top:16px}
.brand{margin:0;color:#4a4a4a;font-size:.875rem;letter-spacing:.02em}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 .5rem}
h2{font-size:1.25rem;margin:0 0 .5rem}
h3{font-size:1.05rem;margin:.75rem 0 .25rem}
h4{font-size:1rem;margin:.5rem 0 .25rem}
p{margin:.25rem 0}
.headline{font-size:1.1rem;margin:0 0 1rem;padding:.5rem .75rem;border-left:6px solid #5865f2;background:#f3f4fb}
.tone-won .headline{border-color:#1e7b34;background:#eef7f0}
.tone-tie .headline{border-color:#8a6d00;background:#fbf6e4}
.tone-failed .headline{border-color:#b3261e;background:#fbeeed}
section.card{margin:1.25rem 0;padding:1rem 0 0;border-top:1px solid #e2e2e2}
.pair{display:grid;grid-template-columns:minmax(0,1fr);gap:1rem}
.side{min-width:0}
.mine{box-shadow:inset 0 0 0 2px #1e7b34;padding:.5rem .75rem;border-radius:4px;align-self:start}
.muted{color:#4a4a4a}
.small,.note{font-size:.9rem;color:#3d3d3d}
.stages{list-style:none;padding:0;margin:.5rem 0}
.stage{margin:.15rem 0}
.status{display:inline-block;min-width:4.5em;font-size:.8rem;font-weight:600;text-transform:uppercase;color:#3d3d3d}
.stage-failed .status{color:#b3261e}
.stage-succeeded .status{color:#1e6b30}
dl.fields{display:grid;grid-template-columns:repeat(auto-fill,minmax(12rem,1fr));gap:.25rem 1rem;margin:.5rem 0}
dl.fields div{min-width:0}
dt{font-weight:600;font-size:.9rem}
dd{margin:0}
.fix{margin:.5rem 0;padding:.25rem .5rem;border-left:3px solid #c9c9c9;break-inside:avoid;page-break-inside:avoid}
figure{margin:.5rem 0}
figure img,img{display:block;max-width:100%;height:auto;background:#f5f5f5}
figure.main img{max-height:420px;width:auto}
.gallery{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.5rem}
.gallery figure{margin:0}
.gallery img{max-height:240px;width:auto;margin:0 auto}
figcaption{font-size:.85rem;color:#3d3d3d}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f5f5f5;padding:.5rem;font-size:.9rem}
footer.page{margin-top:2rem;padding-top:1rem;padding-bottom:2rem;border-top:1px solid #d0d0d0;font-size:.85rem;color:#3d3d3d}
footer.page dl{display:grid;grid-template-columns:max-content minmax(0,1fr);gap:.15rem 1rem;margin:0}
footer.page dt{font-size:.85rem}
@media (min-width:760px){
  .pair{grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:2rem}
  h1{font-size:1.75rem}
}
@media print{
  .skip,nav{display:none}
  body{font-size:11pt;color:#000}
  a{color:#000;text-decoration:underline}
  header.page,main,footer.page{max-width:none;padding:0}
  .pair{grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:1rem}
  img,figure.main img{max-width:100%;max-height:45vh;break-inside:avoid}
  figure,.fix,li.stage,dl.fields div{break-inside:avoid;page-break-inside:avoid}
  h2,h3,h4{break-after:avoid;page-break-after:avoid}
  section.card{border-top:1px solid #999}
}
`.trim();

/** The CSP source that allows exactly this stylesheet inline. */
export const REPORT_CSS_HASH = `'sha256-${createHash('sha256').update(REPORT_CSS, 'utf8').digest('base64')}'`;
