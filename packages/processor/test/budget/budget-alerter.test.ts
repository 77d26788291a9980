import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BudgetAlerter, WebhookSink, type BudgetAlert } from '../../src/budget/budget-alerter.js';
import { BudgetService } from '../../src/budget/budget-service.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { ProcessorMetrics } from '../../src/metrics.js';
import { event } from '../support/ledger-contract.js';
import { teamKey } from '../../src/budget/budget-scope.js';

const NOW = Date.parse('2026-01-10T12:00:00Z');

describe('BudgetAlerter', () => {
  describe('when a team crosses thresholds', () => {
    it('fires each threshold once per period, also across a restart', async () => {
      const path = `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-alert-')), 'l.db')}`;
      const ledger = await openLedger(path);
      const budgets = new BudgetService(ledger, () => NOW);
      await budgets.put('search', { period: 'daily', limitUsd: 10 });
      const sent: BudgetAlert[] = [];
      const alerter = new BudgetAlerter(
        budgets,
        ledger,
        [{ name: 'test', send: async (a) => void sent.push(a) }],
        () => {},
        () => NOW,
      );

      await ledger.insertEvents([event({ team: 'search', costUsd: 8.5, endMs: NOW - 1000 })]);
      expect((await alerter.check([teamKey('search')])).map((a) => [a.kind, a.threshold])).toEqual([
        ['threshold', 0.8],
        ['forecast', undefined],
      ]);
      expect(await alerter.check([teamKey('search')])).toEqual([]);
      await alerter.dispatch();

      await ledger.close();
      const reopened = await openLedger(path);
      const again = new BudgetAlerter(
        new BudgetService(reopened, () => NOW),
        reopened,
        [],
        () => {},
        () => NOW,
      );
      expect(await again.check([teamKey('search')])).toEqual([]);
      await reopened.insertEvents([event({ team: 'search', costUsd: 0.6, endMs: NOW - 500 })]);
      expect((await again.check([teamKey('search')])).map((a) => a.threshold)).toEqual([0.9]);
      expect(sent.map((a) => a.id).sort()).toEqual([
        'team=search/2026-01-10T00:00:00.000Z/forecast',
        'team=search/2026-01-10T00:00:00.000Z/threshold:0.8',
      ]);
      expect(sent.find((a) => a.kind === 'threshold')!.message).toBe(
        'GenOps budget: team search has used 85% of its daily budget (8.5 of 10 USD), crossing 80%',
      );
      await reopened.close();
    });
  });

  describe('when a sink fails', () => {
    it('keeps the alert queued and delivers it later with the same id (at least once)', async () => {
      const ledger = await openLedger(
        `sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-outbox-')), 'l.db')}`,
      );
      let now = NOW;
      const budgets = new BudgetService(ledger, () => now);
      await budgets.put('ads', { period: 'daily', limitUsd: 10, thresholds: [0.5] });
      let up = false;
      const delivered: BudgetAlert[] = [];
      const errors: string[] = [];
      const flaky = {
        name: 'webhook',
        send: async (a: BudgetAlert) => {
          if (!up) throw new Error('connection refused');
          delivered.push(a);
        },
      };
      const logged: BudgetAlert[] = [];
      const alerter = new BudgetAlerter(
        budgets,
        ledger,
        [flaky, { name: 'log', send: async (a) => void logged.push(a) }],
        (sink, e) => errors.push(`${sink}: ${String(e)}`),
        () => now,
      );
      // Half the limit at noon: the threshold fires, the forecast (exactly the limit) does not.
      await ledger.insertEvents([event({ team: 'ads', costUsd: 5, endMs: NOW - 1000 })]);
      const [fired] = await alerter.check([teamKey('ads')]);
      await alerter.dispatch();
      expect(fired!.id).toBe('team=ads/2026-01-10T00:00:00.000Z/threshold:0.5');
      expect(logged.map((a) => a.id)).toEqual([fired!.id]);
      expect(errors).toEqual(['webhook: Error: connection refused']);
      expect(delivered).toEqual([]);

      up = true;
      await alerter.dispatch(); // not due yet: the retry waits its backoff
      expect(delivered).toEqual([]);
      now += 1000;
      await alerter.dispatch();
      expect(delivered.map((a) => a.id)).toEqual([fired!.id]);
      expect(delivered[0]).toEqual(fired);
      now += 60_000;
      await alerter.dispatch(); // delivered alerts leave the queue: nothing is sent twice
      expect(delivered).toHaveLength(1);
      expect(logged).toHaveLength(1);
      await ledger.close();
    });
  });

  describe('WebhookSink', () => {
    it('posts a Slack-compatible payload, retrying a 500', async () => {
      const bodies: unknown[] = [];
      let calls = 0;
      const server = createServer((req, res) => {
        let data = '';
        req.on('data', (c) => (data += c));
        req.on('end', () => {
          calls++;
          if (calls === 1) return res.writeHead(500).end();
          bodies.push(JSON.parse(data));
          res.writeHead(200).end('ok');
        });
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const { port } = server.address() as AddressInfo;
      const alert = { team: 't', message: 'hello', kind: 'threshold' } as BudgetAlert;
      await new WebhookSink(`http://127.0.0.1:${port}/hook`, 3, 10).send(alert);
      server.close();
      expect(calls).toBe(2);
      expect(bodies).toEqual([{ text: 'hello', alert }]);
    });
  });
});

describe('ProcessorMetrics budget gauges', () => {
  it('export one series per budget defined: a template shows its counter nearest the limit, never one per customer', async () => {
    const ledger = await openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-gauge-')), 'l.db')}`);
    const budgets = new BudgetService(ledger, () => NOW);
    await budgets.put('ops', { period: 'daily', limitUsd: 10 });
    await budgets.putScoped({ org: true, period: 'daily', limitUsd: 100 });
    await budgets.putScoped({ customer: '*', period: 'daily', limitUsd: 5 });
    await ledger.insertEvents([
      event({ team: 'ops', costUsd: 9.6, endMs: NOW - 1000 }),
      event({ team: 'ads', customer: 'acme', costUsd: 4.5, endMs: NOW - 1000 }),
      event({ team: 'ads', customer: 'globex', costUsd: 0.5, endMs: NOW - 1000 }),
    ]);
    const metrics = new ProcessorMetrics();
    metrics.observeBudgets(() => budgets.gauges());
    const text = await metrics.registry.metrics();
    const series = (name: string) => text.split('\n').filter((l) => l.startsWith(`${name}{`));
    expect(series('genops_budget_utilization')).toEqual([
      'genops_budget_utilization{budget="customer=*",scope="each customer",team=""} 0.9',
      'genops_budget_utilization{budget="org",scope="organisation",team=""} 0.146',
      'genops_budget_utilization{budget="team=ops",scope="team ops",team="ops"} 0.96',
    ]);
    expect(series('genops_budget_counters')).toEqual([
      'genops_budget_counters{budget="customer=*",scope="each customer",team=""} 2',
      'genops_budget_counters{budget="org",scope="organisation",team=""} 1',
      'genops_budget_counters{budget="team=ops",scope="team ops",team="ops"} 1',
    ]);
    expect(text).toContain(
      'genops_budget_state{budget="team=ops",scope="team ops",team="ops",state="CRITICAL"} 1',
    );
    expect(text).toContain('genops_budget_state{budget="team=ops",scope="team ops",team="ops",state="OK"} 0');
  });
});
