/**
 * Endurance run: a steady-load HTTP server recorded by the CLI and by the extension's parts (in
 * this process, standing in for the extension host and the webview), side by side, for as long
 * as asked. Prints memory samples as it goes and, at the end, growth slopes and the dispatch
 * accounting. Not a test (the integration suite runs a short variant).
 *   npm run bench:soak -- --minutes 60 [--rate 200] [--max-events 2000000] [--max-age 300] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runSoak, type SoakOptions, type SoakReport } from './soak/soakRun';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--${name} needs a positive number`);
  return v;
}

async function main(): Promise<void> {
  const minutes = flag('minutes', 60);
  const jsonAt = process.argv.indexOf('--json');
  const modes = (process.argv.includes('--cli-only') ? ['cli'] : process.argv.includes('--extension-only') ? ['extension'] : ['cli', 'extension']) as SoakOptions['mode'][];
  const base = {
    durationMs: minutes * 60_000,
    warmupMs: Math.min(flag('warmup-minutes', 5), minutes / 2) * 60_000,
    rate: flag('rate', 200),
    sampleMs: flag('sample-seconds', 10) * 1000,
    limits: { maxEvents: flag('max-events', 2_000_000), maxAgeMs: flag('max-age', 300) * 1000 },
    liveSliceLimit: flag('page-slices', 6_000_000),
    root: path.resolve(__dirname, '../..'),
  };
  const started = Date.now();
  const reports: SoakReport[] = await Promise.all(modes.map((mode) => runSoak({
    ...base,
    mode,
    onSample: (s) => {
      const parts = Object.entries(s).filter(([k]) => k !== 't').map(([k, v]) => `${k}=${typeof v === 'number' ? v.toFixed(1) : v}`);
      process.stdout.write(`[${mode}] ${(s.t / 60_000).toFixed(1)} min ${parts.join(' ')}\n`);
    },
  })));
  for (const r of reports) {
    process.stdout.write(`\n== ${r.mode}: ${r.minutes} min at ${base.rate} req/s (limits ${base.limits.maxEvents} dispatches / ${base.limits.maxAgeMs / 1000} s)\n`);
    for (const [k, v] of Object.entries(r.slopes)) process.stdout.write(`  ${k}: slope ${v.toFixed(3)} MB/min after warm-up, range ${r.ranges[k].toFixed(1)} MB\n`);
    process.stdout.write(`  accounting: ${JSON.stringify(r.accounting)}\n  load: ${JSON.stringify(r.load)} server counted ${r.serverRequests}; exit ${JSON.stringify(r.exit)}\n`);
  }
  process.stdout.write(`\nwall time ${((Date.now() - started) / 60_000).toFixed(1)} min\n`);
  if (jsonAt >= 0) writeFileSync(process.argv[jsonAt + 1], JSON.stringify(reports, null, 1));
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
