// `npm run demo` end to end, as a newcomer runs it: its own local stack, processor, fake OpenRouter and traffic;
// it must end with the cost report, the provider comparison, a team blocked by its hard budget, and exit 0,
// leaving no process behind.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '@genops/devstack';
import { DEMO_PLAN } from '../src/traffic.js';

describe('npm run demo', () => {
  it('prints the report, the provider comparison, budget status with growth blocked and the reconciliation, then exits 0', () => {
    const stateDir = join(repoRoot(), '.devstack', `demo-test-${process.pid}`);
    const run = spawnSync('npm', ['run', '--silent', 'demo'], {
      cwd: repoRoot(),
      env: { ...process.env, GENOPS_DEMO_DIR: stateDir },
      encoding: 'utf8',
      timeout: 480_000,
    });
    const out = run.stdout;
    expect(run.status, `${out}\n${run.stderr.slice(-3000)}`).toBe(0);

    const calls = DEMO_PLAN.reduce((n, p) => n + p.calls, 0);
    expect(out).toMatch(new RegExp(`^TOTAL\\s+\\S+\\s+${calls}\\s`, 'm'));
    for (const p of DEMO_PLAN)
      expect(out).toMatch(new RegExp(`^${p.team}\\s+${p.model.replace(/[./]/g, '\\$&')}\\s`, 'm'));
    expect(out).toContain('Provider comparison (served provider × model)');
    // Hard means hard: growth's calls were capped to its budget, so it ends at or under its limit.
    const growth = out.match(/^team growth\s+daily\s+hard\s+\S+\s+\S+\s+\S+\s+([\d.]+)%/m);
    expect(growth, out).not.toBeNull();
    expect(Number(growth![1])).toBeLessThanOrEqual(100);
    expect(Number(growth![1])).toBeGreaterThan(80);
    // support's gpt-4o-mini calls went through a gateway that drops usage.cost: estimated from the catalog, then
    // reconciled with the fake's bill, 10 % higher — each of the 23 answered calls (2 of 25 fail) adjusted.
    expect(out).toContain("Reconciliation with OpenRouter's bill");
    expect(out).toMatch(/^openai\/gpt-4o-mini\s+OpenAI\s+23\s+\S+\s+\S+\s+\+\S+$/m);
    expect(out).toMatch(/^23 call\(s\) differed from the bill$/m);
    const blocked = Number(out.match(/BudgetGuard blocked (\d+) call\(s\) of team growth/)?.[1]);
    expect(blocked).toBeGreaterThan(0);
    expect(out).toMatch(/^ {2}Console {6}http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(out).toMatch(/^ {2}Prometheus {3}http:\/\/127\.0\.0\.1:\d+\//m);
    expect(out).toMatch(/^ {2}Jaeger {7}http:\/\/127\.0\.0\.1:\d+\//m);
    expect(out).toMatch(/^ {2}Processor {4}http:\/\/127\.0\.0\.1:\d+\//m);
    // Everything it started is gone, state included.
    expect(existsSync(join(stateDir, 'stack.json'))).toBe(false);
    expect(spawnSync('pgrep', ['-f', stateDir], { encoding: 'utf8' }).stdout).toBe('');
  }, 500_000);
});
