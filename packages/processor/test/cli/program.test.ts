import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BudgetService } from '../../src/budget/budget-service.js';
import { cliContext } from '../../src/cli/cli-context.js';
import { buildProgram } from '../../src/cli/program.js';
import { createApp } from '../../src/http/app.js';
import type { CostLedger } from '../../src/ledger/cost-ledger.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { event } from '../support/ledger-contract.js';

const T0 = Date.parse('2026-03-01T10:30:00Z');
let ledger: CostLedger;
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-cli-')), 'l.db')}`);
  await ledger.insertEvents([
    event({ team: 'search', model: 'deepseek/deepseek-chat', costUsd: 0.25, endMs: T0 }),
    event({ team: 'ads', model: 'openai/gpt-4o', costUsd: 1.5, endMs: T0 + 1 }),
  ]);
  app = createApp({
    ledger,
    budgets: new BudgetService(ledger),
    metrics: new ProcessorMetrics(),
    apiTokens: ['cli-secret'],
    kafkaReady: async () => {},
  });
});

/** Runs `genops …` in this process against the app; what it printed, and the error it ended with. */
async function genops(
  args: string[],
  env: Record<string, string> = { GENOPS_URL: 'http://genops.test', GENOPS_TOKEN: 'cli-secret' },
) {
  let stdout = '';
  let stderr = '';
  const ctx = cliContext(
    env,
    { stdout: { write: (s) => (stdout += s) }, stderr: { write: (s) => (stderr += s) } },
    (url, init) => Promise.resolve(app.request(String(url), init)),
  );
  const program = buildProgram(ctx);
  const error = await program.parseAsync(args, { from: 'user' }).then(
    () => undefined,
    (e: unknown) => (e as Error).message,
  );
  return { stdout, stderr, error };
}

describe('genops (in-process)', () => {
  describe('when a report is asked for', () => {
    it('prints the processor’s CSV as it is', async () => {
      const { stdout, error } = await genops([
        'report',
        '--from',
        '2026-03-01',
        '--to',
        '2026-03-02',
        '--group-by',
        'team',
        '--format',
        'csv',
      ]);
      expect(error).toBeUndefined();
      expect(stdout).toBe(
        'team,costUsd,upstreamCostUsd,requests,errors,inputTokens,outputTokens,totalTokens,costPerMillionTokens\n' +
          'ads,1.5,0,1,0,30,10,40,37500\nsearch,0.25,0,1,0,30,10,40,6250\n',
      );
    });

    it('refuses an unknown dimension before asking, naming the valid ones', async () => {
      const { stderr, error } = await genops(['report', '--group-by', 'planet']);
      expect(error).toMatch(/argument 'planet' is invalid/);
      expect(stderr).toContain('unknown dimension "planet"; one of team, project, customer,');
    });
  });

  describe('when a budget is set and listed', () => {
    it('sends it through the API and prints what the processor stored', async () => {
      expect(
        (
          await genops([
            'budgets',
            'set',
            'search',
            '--limit',
            '10',
            '--period',
            'daily',
            '--enforcement',
            'hard',
          ])
        ).error,
      ).toBeUndefined();
      const { stdout } = await genops(['budgets', 'list', '--json']);
      const [budget] = JSON.parse(stdout) as { team: string; limitUsd: number; enforcement: string }[];
      expect([budget!.team, budget!.limitUsd, budget!.enforcement]).toEqual(['search', 10, 'hard']);
    });

    it('sets a policy and shows it in the table', async () => {
      const { error } = await genops([
        'budgets',
        'set',
        'ads',
        '--limit',
        '5',
        '--allow-models',
        'openai/*, anthropic/claude-*',
        '--deny-models',
        'openai/o1*',
        '--max-call-cost',
        '0.5',
        '--max-output-tokens',
        '4096',
      ]);
      expect(error).toBeUndefined();
      const { stdout } = await genops(['budgets', 'status', 'ads']);
      expect(stdout).toContain(
        'allow openai/*,anthropic/claude-*; deny openai/o1*; ≤0.5 USD a call; ≤4096 out',
      );
      const json = JSON.parse((await genops(['budgets', 'status', 'ads', '--json'])).stdout) as {
        policy: unknown;
      };
      expect(json.policy).toEqual({
        allowedModels: ['openai/*', 'anthropic/claude-*'],
        deniedModels: ['openai/o1*'],
        maxCallCostUsd: 0.5,
        maxOutputTokens: 4096,
      });
    });

    it('says what to set when the token is missing', async () => {
      const { error } = await genops(['budgets', 'list'], { GENOPS_URL: 'http://genops.test' });
      expect(error).toBe(
        "http://genops.test refused the request (401): set GENOPS_TOKEN to one of the processor's GENOPS_API_TOKENS",
      );
    });

    it('passes the API’s validation message on, naming the field', async () => {
      const { error } = await genops(['budgets', 'set', 'search', '--limit', '10', '--period', 'hourly']);
      expect(error).toMatch(
        /^period: Invalid option: expected one of "daily"\|"weekly"\|"monthly"\|"rolling" \(400 INVALID_ARGUMENT from http:\/\/genops\.test\)$/,
      );
    });
  });

  it('prints its version', async () => {
    const { stdout } = await genops(['--version']);
    expect(stdout).toBe('0.1.0\n');
  });
});
