import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BudgetAlerter } from '../../src/budget/budget-alerter.js';
import { BudgetService } from '../../src/budget/budget-service.js';
import { openLedger } from '../../src/ledger/open-ledger.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { migrations } from '../../src/ledger/schema.js';
import type { CostEvent } from '../../src/decode/cost-event.js';
import { EVENT_COLUMNS } from '../../src/ledger/event-columns.js';
import { event, ledgerContract } from '../support/ledger-contract.js';
import { reconciliationContract } from '../support/reconciliation-contract.js';
import { reportContract } from '../support/report-contract.js';

const T = Date.parse('2026-03-01T10:30:00Z');

const openSqlite = () =>
  openLedger(`sqlite:${join(mkdtempSync(join(tmpdir(), 'genops-ledger-')), 'ledger.db')}`);
ledgerContract('SqliteLedger', openSqlite);
reconciliationContract('SqliteLedger', openSqlite);
reportContract('SqliteLedger', openSqlite);

describe('SqliteLedger upgrade', () => {
  describe('when a ledger written before the events became a rowid table is opened', () => {
    it('keeps every event, and a span delivered again is still counted once', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-upgrade-')), 'ledger.db');
      const db = new Database(path);
      db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)');
      migrations('sqlite')
        .slice(0, 4)
        .forEach((sql, i) => {
          db.exec(sql);
          db.prepare('INSERT INTO schema_migrations VALUES (?, ?)').run(i + 1, 'before');
        });
      const old = [
        event({ team: 'a', costUsd: 0.25, endMs: T }),
        event({ team: 'b', costUsd: 0.5, endMs: T + 1 }),
      ];
      // The columns that table had then.
      const later = new Set([
        'upstream_nano',
        'generation_id',
        'is_adjustment',
        'is_fallback',
        'client_cost_nano',
        'model_name',
        'cache_read_tokens',
        'cache_write_tokens',
        'cache_write_1h_tokens',
        'reasoning_tokens',
        'web_searches',
        'service_tier',
        'unpriced_requests',
        'unpriced_tokens',
      ]);
      const then = EVENT_COLUMNS.filter(([c]) => !later.has(c));
      const insert = db.prepare(`INSERT INTO cost_events VALUES (${then.map(() => '?').join(', ')})`);
      // Ids were text then (bytes since migration 12).
      const asThen = (e: CostEvent, column: string, value: unknown) =>
        column === 'trace_id' ? e.traceId : column === 'span_id' ? e.spanId : value;
      for (const e of old) insert.run(...then.map(([c, read]) => asThen(e, c, read(e))));
      db.close();

      const ledger = await openLedger(`sqlite:${path}`);
      expect(await ledger.insertEvents([old[1]!, event({ team: 'a', costUsd: 1, endMs: T + 2 })])).toEqual({
        inserted: 1,
        duplicates: 1,
      });
      const rows = await ledger.aggregate({ fromMs: T - 1, toMs: T + 10, groupBy: ['team'], filters: {} });
      expect(rows.map((r) => [r.key.team, r.costNano, r.requests]).sort()).toEqual([
        ['a', 1_250_000_000n, 2],
        ['b', 500_000_000n, 1],
      ]);
      await ledger.close();
    });
  });
});

describe('SqliteLedger migrations', () => {
  describe('when a migration fails halfway', () => {
    it('rolls it back and names it, and a fixed list migrates the same file', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-migrate-')), 'ledger.db');
      const real = migrations('sqlite');
      const broken = new SqliteLedger(path, [
        ...real,
        'CREATE TABLE half_done (x INTEGER); INSERT INTO half_done VALUES (1); INSERT INTO no_such_table VALUES (1);',
      ]);
      await expect(broken.migrate()).rejects.toThrow(
        `ledger migration ${real.length + 1} failed: no such table: no_such_table`,
      );
      await broken.close();
      const db = new Database(path, { readonly: true });
      expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'half_done'`).get()).toBeUndefined();
      expect((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v).toBe(
        real.length,
      );
      db.close();
      const fixed = new SqliteLedger(path, [...real, 'CREATE TABLE half_done (x INTEGER);']);
      await fixed.migrate();
      await fixed.close();
    });
  });
});

describe('SqliteLedger checkpoint worker', () => {
  describe('when a program opens a ledger and never closes it', () => {
    it('does not keep the program alive', async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'genops-exit-')), 'ledger.db');
      const script = `const { openLedger } = await import(process.env.GENOPS_DIST); await openLedger('sqlite:${path}'); process.stdout.write('opened');`;
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        ['--input-type=module', '-e', script],
        {
          env: { ...process.env, GENOPS_DIST: join(import.meta.dirname, '..', '..', 'dist', 'index.js') },
          timeout: 15_000,
        },
      );
      expect(stdout).toBe('opened');
      expect(stderr).toBe(''); // the checkpoint worker started (a failing one warns)
    });
  });
});

describe('SqliteLedger beside a connection holding the write lock (the ingest threads’ batch)', () => {
  it('sweeps reservations and dispatches alerts without waiting for it when there is nothing to do', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'genops-lock-')), 'ledger.db');
    const ledger = await openLedger(`sqlite:${path}`);
    const writer = new Database(path);
    writer.exec('BEGIN IMMEDIATE');
    try {
      // Each took the write lock before, blocking the thread until the 5-second busy timeout: "database is locked".
      const budgets = new BudgetService(ledger, () => T);
      expect(await budgets.expire(T)).toBe(0);
      const alerter = new BudgetAlerter(
        budgets,
        ledger,
        [],
        () => {},
        () => T,
      );
      await expect(alerter.dispatch()).resolves.toBeUndefined();
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      await ledger.close();
    }
  });
});
