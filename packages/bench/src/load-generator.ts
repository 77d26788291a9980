// Fixed-rate load from Vegeta, a real load generator in processes of its own: requests leave on schedule whatever
// the server's latency (an open model, no coordinated omission), latencies in an HDR histogram.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from './scratch.js';

export interface LoadTarget {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  /** Bodies the generator cycles through (e.g. one per team). */
  bodies?: string[];
}

export interface LoadResult {
  rate: number;
  seconds: number;
  achievedRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Responses that were not 2xx, and transport errors, by status or message. */
  failures: Record<string, number>;
}

function run(binary: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`vegeta ${args[0]} exited ${code}: ${err}`)),
    );
    child.stdin.end(input);
  });
}

/**
 * Runs the targets at `rate` requests/s in all for `seconds`, from one Vegeta process taking them in turn: one more
 * process per target would compete for the same cores as the servers measured (two Vegetas beside two processors on
 * a two-core machine), and its own waits for a core would count as the servers' latency.
 */
export async function fixedRate(
  vegeta: string,
  targets: LoadTarget[],
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const dir = scratchDir('genops-load');
  const lines = targets.map((t) =>
    (t.bodies ?? [undefined]).map((body) =>
      JSON.stringify({
        method: t.method,
        url: `${t.url}${t.path}`,
        header: body ? { 'Content-Type': ['application/json'] } : {},
        ...(body ? { body: Buffer.from(body).toString('base64') } : {}),
      }),
    ),
  );
  const rounds = Math.max(...lines.map((l) => l.length));
  const inTurn = Array.from({ length: rounds }, (_, k) => lines.map((l) => l[k % l.length]!)).flat();
  const targetsFile = join(dir, 'targets.json');
  writeFileSync(targetsFile, inTurn.join('\n') + '\n');
  const output = join(dir, 'results.bin');
  await run(vegeta, [
    'attack',
    '-format=json',
    `-targets=${targetsFile}`,
    `-rate=${rate}/1s`,
    `-duration=${seconds}s`,
    '-keepalive=true',
    `-output=${output}`,
  ]);
  const report = JSON.parse(await run(vegeta, ['report', '-type=json', output])) as {
    requests: number;
    latencies: Record<'50th' | '90th' | '99th' | 'max', number>;
    status_codes: Record<string, number>;
    errors: string[] | null;
  };
  const failures: Record<string, number> = {};
  for (const [code, count] of Object.entries(report.status_codes))
    if (!code.startsWith('2')) failures[code] = count;
  for (const error of report.errors ?? []) failures[error] = (failures[error] ?? 0) + 1;
  const ms = (ns: number) => ns / 1e6;
  return {
    rate,
    seconds,
    achievedRps: report.requests / seconds,
    p50Ms: ms(report.latencies['50th']),
    p90Ms: ms(report.latencies['90th']),
    p99Ms: ms(report.latencies['99th']),
    maxMs: ms(report.latencies.max),
    failures,
  };
}

export function describeLoad(name: string, r: LoadResult, targetMs?: number): string {
  const verdict =
    targetMs === undefined ? '' : `   p99 target < ${targetMs} ms ${r.p99Ms < targetMs ? 'OK' : 'MISSED'}`;
  const failed = Object.entries(r.failures);
  const faults = failed.length ? `   failures ${failed.map(([k, n]) => `${k}×${n}`).join(', ')}` : '';
  return `  ${name.padEnd(26)} ${String(r.rate).padStart(5)} req/s → ${r.achievedRps.toFixed(0).padStart(5)} sent   p50 ${r.p50Ms.toFixed(2).padStart(6)} ms   p90 ${r.p90Ms.toFixed(2).padStart(6)} ms   p99 ${r.p99Ms.toFixed(2).padStart(6)} ms   max ${r.maxMs.toFixed(1).padStart(6)} ms${verdict}${faults}`;
}
