// The console in a real browser (Debian's Chromium driven by Playwright) against a real `genops serve` with a month
// of spend: what a person sees must equal what the API says.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { chromiumPath, ensureSystemPackages, repoRoot, stderrProgress } from '@genops/devstack';
import { startConsoleServer, TOKENS, usd, type ConsoleServer } from './support/console-server.js';

const { endpoints } = inject('stack');
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = join(repoRoot(), 'docs', 'console');
let server: ConsoleServer;
let browser: Browser;
let range: { from: string; to: string };

beforeAll(async () => {
  await ensureSystemPackages(stderrProgress);
  server = await startConsoleServer(endpoints.kafkaBrokers);
  browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox'] });
  const hour = 3_600_000;
  const end = Math.ceil(server.nowMs / hour) * hour;
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  range = { from: iso(end - 31 * 86_400_000), to: iso(end) };
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

/** A fresh tab signed in with `token`, every request it makes recorded. */
async function signedIn(token: string, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(`${server.url}/`);
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Pages' }).waitFor();
  return { page, requests, close: () => context.close() };
}

const q = () => `from=${range.from}&to=${range.to}`;
const json = async <T>(res: Response) => (await res.json()) as T;

describe('the console', () => {
  describe('when the platform team signs in', () => {
    it('shows the range’s spend, and its top team, equal to the API’s report to the cent', async () => {
      const { page, requests, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/?${q()}`);
      const total = await json<{ totals: { costUsd: number; requests: number } }>(
        await server.api(`/v1/reports/cost?${q()}`),
      );
      expect(total.totals.requests).toBe(1_000_000);
      await expect.poll(() => page.getByTestId('total-spend').textContent()).toBe(usd(total.totals.costUsd));
      const teams = await json<{ groups: { key: { team: string }; costUsd: number }[] }>(
        await server.api(`/v1/reports/cost?${q()}&groupBy=team`),
      );
      const top = page.getByRole('region', { name: 'Top teams' }).getByRole('listitem').first();
      await expect
        .poll(() => top.textContent())
        .toBe(`${teams.groups[0]!.key.team}${usd(teams.groups[0]!.costUsd)}`);
      expect(requests.filter((u) => !u.startsWith(server.url))).toEqual([]);
      expect(await page.evaluate(() => sessionStorage.getItem('genops.token'))).toBe(TOKENS.admin);
      expect(requests.some((u) => u.includes(TOKENS.admin))).toBe(false);
      await close();
    });

    it('exports exactly the API’s CSV of the table shown', async () => {
      const { page, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/explore?groupBy=team,model&${q()}`);
      await page.getByRole('table', { name: 'Cost by team, model' }).waitFor();
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Export CSV' }).click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      const api = await (await server.api(`/v1/reports/cost?${q()}&groupBy=team,model&format=csv`)).text();
      expect(csv).toBe(api);
      const rows = await page.getByRole('table', { name: 'Cost by team, model' }).getByRole('row').count();
      expect(rows).toBe(api.trim().split('\n').length);
      await close();
    });

    it('creates, edits and deletes a budget, showing the API’s validation beside the field', async () => {
      const { page, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/budgets`);
      await page.getByRole('button', { name: 'New budget' }).click();
      const form = page.getByRole('form', { name: 'New budget' });
      await form.getByLabel('Team').fill('console-made');
      await form.getByLabel('Limit (USD)').fill('-5');
      await form.getByRole('button', { name: 'Save budget' }).click();
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toBe('limitUsd: Too small: expected number to be >0');
      await expect.poll(() => form.getByLabel('Limit (USD)').getAttribute('aria-invalid')).toBe('true');
      await form.getByLabel('Limit (USD)').fill('42.5');
      await form.getByLabel('Enforcement').selectOption('hard');
      await form.getByRole('button', { name: 'Save budget' }).click();
      await form.waitFor({ state: 'detached' });
      const made = await json<{ limitUsd: number; enforcement: string; period: string }>(
        await server.api('/v1/budgets/console-made'),
      );
      expect([made.limitUsd, made.enforcement, made.period]).toEqual([42.5, 'hard', 'monthly']);

      await page.getByRole('button', { name: 'Details of console-made' }).click();
      await page.getByRole('button', { name: 'Edit console-made' }).click();
      const edit = page.getByRole('form', { name: 'Edit budget of console-made' });
      await edit.getByLabel('Limit (USD)').fill('50');
      await edit.getByRole('button', { name: 'Save budget' }).click();
      await edit.waitFor({ state: 'detached' });
      expect((await json<{ limitUsd: number }>(await server.api('/v1/budgets/console-made'))).limitUsd).toBe(
        50,
      );

      page.once('dialog', (d) => void d.accept());
      await page.getByRole('button', { name: 'Edit console-made' }).click();
      await page.getByRole('button', { name: 'Delete budget' }).click();
      await expect.poll(async () => (await server.api('/v1/budgets/console-made')).status).toBe(404);
      await close();
    });

    it('creates an “each customer” budget and shows each customer’s counter, nearest the limit first', async () => {
      const { page, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/budgets`);
      await page.getByRole('button', { name: 'New budget' }).click();
      const form = page.getByRole('form', { name: 'New budget' });
      await form.getByRole('button', { name: 'Save budget' }).click();
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toBe('Name what the budget covers, or choose the whole organisation.');
      await form.getByLabel('Customer').fill('*');
      await form.getByLabel('Limit (USD)').fill('5');
      await form.getByLabel('Enforcement').selectOption('hard');
      await form.getByRole('button', { name: 'Save budget' }).click();
      await form.waitFor({ state: 'detached' });
      const template = await json<{ key: string; customer: string; limitUsd: number }>(
        await server.api(`/v1/budget-scopes/${encodeURIComponent('customer=*')}`),
      );
      expect(template).toMatchObject({ key: 'customer=*', customer: '*', limitUsd: 5 });

      // A customer's first call makes its counter, counted from the month's rows.
      const admitted = await json<{ budgets: { key: string; spentUsd: number }[] }>(
        await server.api('/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({
            team: 'team-01',
            customer: 'customer-1',
            model: 'openai/gpt-4o',
            estimatedCostUsd: 0.01,
          }),
        }),
      );
      const counter = admitted.budgets.find((b) => b.key === 'customer=customer-1')!;
      await page.getByRole('button', { name: 'Details of each customer' }).click();
      const counters = page.getByRole('table', {
        name: 'Counters of each customer, nearest their limit first',
      });
      await expect
        .poll(() => counters.getByRole('row').nth(1).getByRole('cell').first().textContent())
        .toBe('customer customer-1');
      expect(await counters.getByRole('row').nth(1).getByRole('cell').nth(3).textContent()).toBe(
        usd(counter.spentUsd),
      );
      expect(
        await page.getByRole('heading', { name: 'Nearest their limit (1 counted this far)' }).count(),
      ).toBe(1);
      await server.api(`/v1/budget-scopes/${encodeURIComponent('customer=*')}`, { method: 'DELETE' });
      await close();
    });

    it('shows a hard-blocked call in the decisions with its reason code', async () => {
      const blocked = await json<{ decision: string }>(
        await server.api('/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({ team: 'team-49', model: 'openai/gpt-4o', estimatedCostUsd: 0.02 }),
        }),
      );
      expect(blocked.decision).toBe('BLOCKED');
      const { page, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/enforcement?decision=BLOCKED`);
      const row = page
        .getByRole('table', { name: 'Admission decisions, newest first' })
        .getByRole('row')
        .nth(1);
      await expect
        .poll(() => row.textContent())
        .toMatch(
          /^\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTCteam-49openai\/gpt-4oUSD 0\.02BLOCKEDBUDGET_EXCEEDEDteam team-49, monthly period/,
        );
      await close();
    });
    it('sets a team’s policy in the form, shows it, and shows the calls it refuses with their reason', async () => {
      const { page, close } = await signedIn(TOKENS.admin);
      await page.goto(`${server.url}/budgets`);
      await page.getByRole('button', { name: 'New budget' }).click();
      const form = page.getByRole('form', { name: 'New budget' });
      await form.getByLabel('Team').fill('policed');
      await form.getByLabel('Limit (USD)').fill('10');
      await form.getByLabel('Allowed models (globs, e.g. openai/*)').fill('openai/*, anthropic/claude-*');
      await form.getByLabel('Max output tokens of a call').fill('0.5');
      await form.getByRole('button', { name: 'Save budget' }).click();
      await expect
        .poll(() => form.getByRole('alert').textContent())
        .toBe('policy.maxOutputTokens: Invalid input: expected int, received number');
      await form.getByLabel('Max output tokens of a call').fill('2048');
      await form.getByRole('button', { name: 'Save budget' }).click();
      await form.waitFor({ state: 'detached' });
      expect((await json<{ policy: unknown }>(await server.api('/v1/budgets/policed'))).policy).toEqual({
        allowedModels: ['openai/*', 'anthropic/claude-*'],
        maxOutputTokens: 2048,
      });
      const row = page
        .getByRole('row')
        .filter({ has: page.getByRole('button', { name: 'Details of policed' }) });
      await expect.poll(() => row.textContent()).toContain('allow openai/*,anthropic/claude-*; ≤2048 out');

      const refused = await json<{ decision: string; reasonCode: string }>(
        await server.api('/v1/reservations', {
          method: 'POST',
          body: JSON.stringify({ team: 'policed', model: 'deepseek/deepseek-chat', estimatedCostUsd: 0.01 }),
        }),
      );
      expect(refused).toMatchObject({ decision: 'BLOCKED', reasonCode: 'MODEL_NOT_ALLOWED' });
      await page.goto(`${server.url}/enforcement?decision=BLOCKED`);
      const decision = page
        .getByRole('table', { name: 'Admission decisions, newest first' })
        .getByRole('row')
        .nth(1);
      await expect
        .poll(() => decision.textContent())
        .toMatch(
          /policeddeepseek\/deepseek-chatUSD 0\.01BLOCKEDMODEL_NOT_ALLOWEDteam policed's policy allows only/,
        );
      await close();
    });
  });

  describe('when a team-scoped read-only token signs in', () => {
    it('sees only its team and cannot edit, in the page and in the API', async () => {
      const { page, close } = await signedIn(TOKENS.reader);
      await page.goto(`${server.url}/budgets`);
      const table = page.getByRole('table', { name: 'Budgets in their current period' });
      await table.waitFor();
      expect(await table.getByRole('row').count()).toBe(2);
      expect(await table.getByRole('row').nth(1).getByRole('cell').first().textContent()).toBe('team-07');
      expect(await page.getByRole('button', { name: 'New budget' }).count()).toBe(0);
      expect(await page.getByText('read-only').count()).toBe(1);
      await page.goto(`${server.url}/?${q()}`);
      const own = await json<{ totals: { costUsd: number } }>(
        await server.api(`/v1/reports/cost?${q()}`, { token: TOKENS.reader }),
      );
      await expect.poll(() => page.getByTestId('total-spend').textContent()).toBe(usd(own.totals.costUsd));
      const status = await page.evaluate(async (token) => {
        const res = await fetch('/v1/budgets/team-08', {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: '{"period":"daily","limitUsd":1}',
        });
        return res.status;
      }, TOKENS.reader);
      expect(status).toBe(403);
      await close();
    });
  });

  describe('as served', () => {
    it('sends a strict CSP, compressed hashed assets with long cache headers, and index.html uncached', async () => {
      const page = await fetch(`${server.url}/budgets`, { headers: { 'accept-encoding': 'br' } });
      expect(page.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
      );
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const html = await page.text();
      const script = /src="(\/assets\/index-[\w-]+\.js)"/.exec(html)![1]!;
      const asset = await fetch(`${server.url}${script}`, { headers: { 'accept-encoding': 'gzip, br' } });
      expect([asset.headers.get('content-encoding'), asset.headers.get('cache-control')]).toEqual([
        'br',
        'public, max-age=31536000, immutable',
      ]);
      const unauthenticated = await fetch(`${server.url}/v1/budgets`);
      expect(unauthenticated.status).toBe(401);
    });
  });
});

const PAGES = [
  ['overview', '/', 'Overview'],
  ['explore', '/explore?groupBy=team,model', 'Explore'],
  ['budgets', '/budgets?team=team-49', 'Budgets'],
  ['enforcement', '/enforcement', 'Enforcement'],
  ['providers', '/providers?range=7d', 'Providers'],
  ['reconciliation', '/reconciliation', 'Reconciliation'],
  ['prices', '/prices?q=claude', 'Prices'],
] as const;

async function seriousViolations(page: Page) {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const result = await (
      window as unknown as {
        axe: {
          run: (
            o: object,
          ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
        };
      }
    ).axe.run({});
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

describe('every page', () => {
  it.each(PAGES)(
    '%s has no serious or critical accessibility violation, in both themes, and is screenshotted',
    async (name, path, heading) => {
      for (const [theme, viewport] of [
        ['light', { width: 1280, height: 800 }],
        ['dark', { width: 1920, height: 1080 }],
      ] as const) {
        const { page, close } = await signedIn(TOKENS.admin, viewport);
        await page.evaluate((t) => localStorage.setItem('genops.theme', t), theme);
        await page.goto(`${server.url}${path}`);
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await expect.poll(() => page.getByRole('status').count(), { timeout: 30_000 }).toBe(0);
        expect(await seriousViolations(page)).toEqual([]);
        await page.screenshot({ path: join(SHOTS, `${name}-${theme}.png`) });
        await close();
      }
    },
  );

  it('is usable from the keyboard: skip link first, then the pages', async () => {
    const { page, close } = await signedIn(TOKENS.admin);
    await page.goto(`${server.url}/`);
    await page.getByRole('navigation', { name: 'Pages' }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Explore');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Explore' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/explore');
    await close();
  });
});
