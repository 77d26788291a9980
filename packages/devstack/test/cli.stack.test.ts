// `npx devstack up`, `status --json`, `down`: a second, independent stack on its own random ports.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../src/index.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'genops-devstack-cli-'));
const cli = (...args: string[]) =>
  run('npx', ['devstack', '--dir', dir, ...args], { cwd: repoRoot(), maxBuffer: 10 * 1024 * 1024 });

/** Pids of live processes whose command line or environment mentions our state folder. */
function processesOf(folder: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (cmdline.includes(folder) || environ.includes(folder)) found.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return found;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterAll(async () => {
  await cli('down').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('devstack CLI', () => {
  it('brings a stack up, prints its endpoints as JSON, and leaves no process of ours after down', async () => {
    await cli('up', '--random-ports');
    const { stdout } = await cli('status', '--json');
    const status = JSON.parse(stdout) as Record<string, unknown> & {
      services: { name: string; running: boolean; pid: number }[];
    };
    expect(status.running).toBe(true);
    for (const key of ['kafkaBrokers', 'otlpGrpc', 'otlpHttp', 'prometheusUrl', 'jaegerUrl', 'postgresUrl']) {
      expect(typeof status[key], key).toBe('string');
    }
    expect(status.services.map((s) => s.name).sort()).toEqual([
      'collector',
      'jaeger',
      'kafka',
      'postgres',
      'prometheus',
      'saas-intake',
    ]);
    const ready = await fetch(`${String(status.prometheusUrl)}/-/ready`);
    expect(ready.status).toBe(200);
    const pids = status.services.map((s) => s.pid);
    expect(pids.filter(alive)).toEqual(pids);
    expect(processesOf(dir).length).toBeGreaterThan(0);

    await cli('down');
    expect(pids.filter(alive)).toEqual([]);
    expect(processesOf(dir)).toEqual([]);
    const after = JSON.parse((await cli('status', '--json')).stdout) as {
      running: boolean;
      services: unknown[];
    };
    expect(after).toMatchObject({ running: false, services: [] });
  });
});
