// `genops prices sync` against local servers serving each source's real schema (no network): today's prices become
// effective-dated entries, appended only where a price changed; history is never rewritten.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_PRICES, PriceCatalog, type PriceTable } from '@genops/pricing';
import { BudgetService } from '../../src/budget/budget-service.js';
import { createApp } from '../../src/http/app.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { PriceCatalogHolder, PriceSyncSchedule } from '../../src/prices/price-catalog-holder.js';
import { until } from '@genops/fakes';

const run = promisify(execFile);
const BIN = join(import.meta.dirname, '..', '..', 'bin', 'genops.js');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'prices');

let server: Server;
let base: string;
/** What the fake sources answer: path → body; replaced by tests to simulate a price change. */
const bodies = new Map<string, string>();

beforeAll(async () => {
  bodies.set('/api/v1/models', readFileSync(join(FIXTURES, 'openrouter-models.json'), 'utf8'));
  bodies.set('/litellm.json', readFileSync(join(FIXTURES, 'litellm-prices.json'), 'utf8'));
  server = createServer((req, res) => {
    const body = bodies.get(req.url ?? '');
    if (body === undefined) return res.writeHead(404).end('not found');
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function sync(args: string[]): Promise<string> {
  return (await run(process.execPath, [BIN, 'prices', 'sync', ...args])).stdout;
}

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as PriceTable;

describe('genops prices sync --source openrouter', () => {
  const out = join(mkdtempSync(join(tmpdir(), 'genops-prices-')), 'prices.json');
  const url = () => `${base}/api/v1/models`;
  const syncOpenRouter = (effectiveFrom: string) =>
    sync(['--source', 'openrouter', '--url', url(), '--out', out, '--effective-from', effectiveFrom]);
  /** OpenRouter now lists openai/gpt-4o at another prompt price (USD per token). */
  const setGpt4oPrompt = (prompt: string) => {
    const models = JSON.parse(bodies.get('/api/v1/models')!) as {
      data: { id: string; pricing: Record<string, string> }[];
    };
    models.data.find((m) => m.id === 'openai/gpt-4o')!.pricing.prompt = prompt;
    bodies.set('/api/v1/models', JSON.stringify(models));
  };

  it('writes every model whose price is new or changed, each dimension in USD per 1M tokens (fees in USD), exactly', async () => {
    const printed = await syncOpenRouter('2027-01-01');
    // perplexity/sonar is new; the bundled table prices the other three differently (no 1-hour cache writes, no
    // long-context tier in this listing, another DeepSeek R1 price).
    expect(printed).toBe(
      `openrouter: 1 added, 3 changed, 0 unchanged → ${out}\n  added: perplexity/sonar\n  changed: anthropic/claude-sonnet-4.5, deepseek/deepseek-r1, openai/gpt-4o\n`,
    );
    const table = read(out);
    const at = '2027-01-01T00:00:00.000Z';
    expect(Object.fromEntries(Object.entries(table.models).map(([id, list]) => [id, list.at(-1)]))).toEqual({
      'openai/gpt-4o': { effectiveFrom: at, input: 2.5, output: 10, cacheRead: 1.25 },
      'anthropic/claude-sonnet-4.5': {
        effectiveFrom: at,
        input: 3,
        output: 15,
        cacheRead: 0.3,
        cacheWrite: 3.75,
      },
      'perplexity/sonar': { effectiveFrom: at, input: 1, output: 1, request: 0.005, webSearch: 0.005 },
      'deepseek/deepseek-r1': { effectiveFrom: at, input: 0.4, output: 2, reasoning: 2 },
    });
    // A model the bundled table knew keeps its bundled prices before the synced one; a new one starts with it.
    for (const id of ['openai/gpt-4o', 'anthropic/claude-sonnet-4.5', 'deepseek/deepseek-r1'])
      expect(table.models[id]!.slice(0, -1)).toEqual(BUNDLED_PRICES.models[id]);
    expect(table.models['perplexity/sonar']).toHaveLength(1);
    // openrouter/auto is priced per routed model ("-1"): no entry rather than a wrong one.
    expect(table.models['openrouter/auto']).toBeUndefined();
  });

  it('appends a new entry only for a model whose price changed, leaving history as it was', async () => {
    const before = read(out);
    setGpt4oPrompt('0.000002');
    const printed = await syncOpenRouter('2027-02-01');
    expect(printed).toBe(`openrouter: 0 added, 1 changed, 3 unchanged → ${out}\n  changed: openai/gpt-4o\n`);
    const after = read(out);
    expect(after.models['openai/gpt-4o']).toEqual([
      ...before.models['openai/gpt-4o']!,
      { effectiveFrom: '2027-02-01T00:00:00.000Z', input: 2, output: 10, cacheRead: 1.25 },
    ]);
    for (const id of ['anthropic/claude-sonnet-4.5', 'perplexity/sonar', 'deepseek/deepseek-r1'])
      expect(after.models[id]).toEqual(before.models[id]);
    // Both prices stay in force for their own periods.
    const catalog = new PriceCatalog(after);
    const usage = { inputTokens: 1_000_000, outputTokens: 0 };
    expect(catalog.estimate('openai/gpt-4o', usage, new Date('2027-01-15'))?.nanoUsd).toBe(2_500_000_000n);
    expect(catalog.estimate('openai/gpt-4o', usage, new Date('2027-02-15'))?.nanoUsd).toBe(2_000_000_000n);
  });

  it('changes nothing when no price changed', async () => {
    const before = readFileSync(out, 'utf8');
    const printed = await syncOpenRouter('2027-02-05');
    expect(printed).toBe(`openrouter: 0 added, 0 changed, 4 unchanged → ${out}\n`);
    expect(readFileSync(out, 'utf8')).toBe(before);
  });

  it('refuses a change dated before the last recorded price, writing nothing', async () => {
    const before = readFileSync(out, 'utf8');
    setGpt4oPrompt('0.0000015');
    const failed = await syncOpenRouter('2027-01-20').catch(
      (error: { stderr: string; code: number }) => error,
    );
    expect(typeof failed).toBe('object');
    expect((failed as { stderr: string }).stderr).toContain(
      'openai/gpt-4o: a price from 2027-02-01T00:00:00.000Z is already recorded; a change must take effect after it',
    );
    expect(readFileSync(out, 'utf8')).toBe(before);
  });
});

describe('genops prices sync --source litellm', () => {
  it('maps cache writes (5-minute and 1-hour), the 200k tier, reasoning and the priority / flex tiers', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genops-prices-')), 'prices.json');
    const printed = await sync([
      '--source',
      'litellm',
      '--url',
      `${base}/litellm.json`,
      '--out',
      out,
      '--effective-from',
      '2027-01-01',
    ]);
    expect(printed).toBe(
      `litellm: 0 added, 5 changed, 0 unchanged → ${out}\n  changed: anthropic/claude-sonnet-4.5, deepseek/deepseek-chat, google/gemini-2.5-pro, openai/gpt-4o, openai/o3\n`,
    );
    const at = '2027-01-01T00:00:00.000Z';
    // Each model's bundled history, then the synced price.
    const synced = read(out).models;
    for (const [id, list] of Object.entries(synced))
      expect(list.slice(0, -1)).toEqual(BUNDLED_PRICES.models[id]);
    expect(Object.fromEntries(Object.entries(synced).map(([id, list]) => [id, [list.at(-1)]]))).toEqual({
      'openai/gpt-4o': [
        {
          effectiveFrom: at,
          input: 2.5,
          output: 10,
          cacheRead: 1.25,
          serviceTiers: { priority: { input: 4.25, output: 17, cacheRead: 2.125 } },
        },
      ],
      'openai/o3': [
        {
          effectiveFrom: at,
          input: 2,
          output: 8,
          cacheRead: 0.5,
          serviceTiers: { flex: { input: 1, output: 4, cacheRead: 0.25 } },
        },
      ],
      'anthropic/claude-sonnet-4.5': [
        {
          effectiveFrom: at,
          input: 3,
          output: 15,
          cacheRead: 0.3,
          cacheWrite: 3.75,
          cacheWrite1h: 6,
          longContext: [
            { thresholdTokens: 200_000, input: 6, output: 22.5, cacheRead: 0.6, cacheWrite: 7.5 },
          ],
        },
      ],
      'google/gemini-2.5-pro': [
        {
          effectiveFrom: at,
          input: 1.25,
          output: 10,
          reasoning: 10,
          longContext: [{ thresholdTokens: 200_000, input: 2.5, output: 15 }],
        },
      ],
      'deepseek/deepseek-chat': [{ effectiveFrom: at, input: 0.14, output: 0.28 }],
    });
    // The synced table prices a long Anthropic call at the tier: 250,000 × 6 + 1,000 × 22.5 USD per 1M.
    const catalog = PriceCatalog.fromFile(out);
    const long = { inputTokens: 250_000, outputTokens: 1_000 };
    expect(catalog.estimate('anthropic/claude-sonnet-4.5', long, new Date('2027-01-02'))?.nanoUsd).toBe(
      1_522_500_000n,
    );
  });

  it('names the source and the status when the fetch fails', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'genops-prices-')), 'prices.json');
    writeFileSync(out, '{"version":"x","models":{}}');
    const failed = (await sync(['--source', 'litellm', '--url', `${base}/missing.json`, '--out', out]).catch(
      (error: unknown) => error,
    )) as { stderr: string };
    expect(failed.stderr).toContain(`litellm: 404 from ${base}/missing.json`);
  });
});

describe('the processor’s scheduled price sync', () => {
  it('syncs at start and on its interval, and reloads the catalog GET /v1/prices describes when a price changed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genops-prices-'));
    const file = join(dir, 'prices.json');
    bodies.set('/sched.json', readFileSync(join(FIXTURES, 'litellm-prices.json'), 'utf8'));
    const holder = new PriceCatalogHolder(file);
    const bundledO3 = BUNDLED_PRICES.models['openai/o3']!;
    expect(holder.current.lookup('openai/o3')).toEqual(bundledO3.at(-1)); // the bundled price
    const outcomes: string[] = [];
    const schedule = new PriceSyncSchedule(holder, {
      source: 'litellm',
      url: `${base}/sched.json`,
      file,
      intervalMs: 200,
      onResult: (outcome) => outcomes.push(outcome),
    });
    try {
      await until(
        'the first sync',
        () => outcomes.length,
        (n) => n >= 1,
        10_000,
      );
      expect(outcomes[0]).toBe('changed');
      expect(holder.current.lookup('openai/o3')).toMatchObject({ input: 2, output: 8, cacheRead: 0.5 });
      expect(holder.current.lookup('openai/o3')?.serviceTiers).toEqual({
        flex: { input: 1, output: 4, cacheRead: 0.25 },
      }); // the synced one

      const ledger = await openLedger('sqlite::memory:');
      const app = createApp({
        ledger,
        budgets: new BudgetService(ledger),
        metrics: new ProcessorMetrics(),
        apiTokens: [],
        kafkaReady: async () => {},
        prices: holder,
      });
      const described = (await (await app.request('/v1/prices')).json()) as {
        models: string[];
        loadedAt: string;
      };
      expect(described.models).toContain('openai/o3');
      expect(described.loadedAt).toBe(holder.loadedAt.toISOString());

      const raised = JSON.parse(bodies.get('/sched.json')!) as Record<string, Record<string, number>>;
      raised.o3!.input_cost_per_token = 3e-6;
      bodies.set('/sched.json', JSON.stringify(raised));
      await until(
        'the catalog to reload with the new o3 price',
        () => holder.current.lookup('openai/o3', new Date(Date.now() + 60_000))?.input,
        (input) => input === 3,
        10_000,
      );
      await until(
        'a later sync that finds nothing new',
        () => outcomes.filter((o) => o === 'unchanged').length,
        (n) => n >= 1,
        10_000,
      );
      // The bundled history, the first synced price, the raised one.
      expect(read(file).models['openai/o3']).toHaveLength(bundledO3.length + 2);
      await ledger.close();
    } finally {
      await schedule.stop();
    }
  });

  it('keeps running when the source fails, and says why', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'genops-prices-'));
    const messages: string[] = [];
    const schedule = new PriceSyncSchedule(new PriceCatalogHolder(join(dir, 'prices.json')), {
      source: 'openrouter',
      url: `${base}/gone`,
      file: join(dir, 'prices.json'),
      intervalMs: 60_000,
      onResult: (outcome, message) => messages.push(`${outcome}: ${message}`),
    });
    await schedule.runOnce();
    await schedule.stop();
    expect(messages[0]).toBe(`failed: price sync from openrouter failed: openrouter: 404 from ${base}/gone`);
  });
});
