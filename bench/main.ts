/**
 * `npm run bench`: one build under load (bench/run.ts), or — with `--against <git-ref>` — this
 * build and another side by side on the same load (bench/against.ts).
 */
if (process.argv.includes('--against')) {
  const { runAgainst } = await import('./against.ts');
  process.exitCode = await runAgainst(process.argv.slice(2));
} else {
  await import('./run.ts');
}
