/**
 * `npm run bench`: one build under load (bench/run.ts), or — with `--against <git-ref>` — this
 * build and another side by side on the same load (bench/against.ts), or — with `--soak` — a long
 * run checked for leaks: memory, connections, jobs, errors (bench/soak.ts).
 */
if (process.argv.includes('--soak')) {
  const { runSoak } = await import('./soak.ts');
  process.exitCode = await runSoak(process.argv.slice(2).filter((a) => a !== '--soak'));
} else if (process.argv.includes('--against')) {
  const { runAgainst } = await import('./against.ts');
  process.exitCode = await runAgainst(process.argv.slice(2));
} else {
  await import('./run.ts');
}
