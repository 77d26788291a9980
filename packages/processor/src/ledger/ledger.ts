// The cost ledger, written once over a driver (sqlite-driver.ts, postgres-driver.ts): every method runs one script
// (its statements in budget-, reservation-, event-, alert- and reconciliation-scripts.ts) in a write transaction or on
// a read snapshot. Budgets, reservations and the reconciliation queue live in the database of the spend they govern.
import type { AlertRecord, ExpiredStep, QueuedAlert } from '../budget/budget-store.js';
import type { ScopeDefinition } from '../budget/budget-scope.js';
import type { BudgetSpec } from '../budget/budget-spec.js';
import type {
  BudgetCounters,
  ExtensionRequest,
  RecountResult,
  ReservationRequest,
  ReserveOutcome,
} from '../budget/budget-store.js';
import type { CostEvent } from '../decode/cost-event.js';
import type {
  BilledCost,
  ReconciliationSummary,
  ReconciliationTask,
} from '../reconcile/reconciliation-store.js';
import { AdmissionBatcher } from './admission-batcher.js';
import * as alerts from './alert-scripts.js';
import { reserveBatch } from './batch-admission-scripts.js';
import { NO_LEASES } from './lease-scripts.js';
import * as budgets from './budget-scripts.js';
import type {
  AggregateQuery,
  AggregateRow,
  CostLedger,
  InsertResult,
  ProviderSample,
} from './cost-ledger.js';
import { insertPrepared, prepareEvents, type PreparedEvents } from './event-scripts.js';
import { LeaseKeeper, type LeasePolicy } from './lease-keeper.js';
import type { LedgerDriver } from './ledger-driver.js';
import { LOCKED_LOOK } from './locked-look.js';
import * as recon from './reconciliation-scripts.js';
import * as reservations from './reservation-scripts.js';
import * as sweeps from './reservation-sweep-scripts.js';
import type { Dialect, Script } from './script.js';
import { aggregate, providerSamples } from './report-scripts.js';

/** Reservations are short-lived soft state (the TTL sweep removes them): their commits skip the durability wait. */
const SOFT = { soft: true } as const;

/** Calls admitted in one PostgreSQL statement at most. */
const ADMISSION_BATCH = 64;

export class Ledger implements CostLedger {
  /** PostgreSQL: the calls that come while an admission statement runs are admitted together by the next one. */
  private readonly admissions = new AdmissionBatcher<ReservationRequest, ReserveOutcome | typeof LOCKED_LOOK>(
    (batch: ReservationRequest[]) =>
      this.driver.write(reserveBatch(batch, this.leases ?? NO_LEASES), { ...SOFT, autocommit: true }),
    ADMISSION_BATCH,
  );

  /** PostgreSQL: this processor's share of its hot budgets' headroom (lease-keeper.ts). */
  protected readonly leases?: LeaseKeeper;

  /** `migrations` replaces the schema's list (tests of a failing migration); `leases` turns escrow leases on. */
  constructor(
    private readonly driver: LedgerDriver,
    private readonly migrations: readonly string[],
    leases?: LeasePolicy,
  ) {
    if (leases)
      this.leases = new LeaseKeeper(
        (script) => this.driver.write(script, { ...SOFT, autocommit: true }),
        leases,
        (error) => process.emitWarning(`genops: a budget lease round failed: ${String(error)}`),
      );
  }

  migrate(): Promise<void> {
    return this.driver.migrate(this.migrations);
  }

  insertEvents(events: readonly CostEvent[]): Promise<InsertResult> {
    return this.insertPrepared(prepareEvents(events));
  }

  /** Writes a batch prepared beforehand (`prepareEvents`, outside the write lock: an ingest thread's decode step). */
  async insertPrepared(prepared: PreparedEvents): Promise<InsertResult> {
    if (prepared.count === 0) return { inserted: 0, duplicates: 0 };
    return this.driver.write(insertPrepared(prepared, Date.now(), this.driver.dialect));
  }

  aggregate(query: AggregateQuery): Promise<AggregateRow[]> {
    return this.driver.read(aggregate(query));
  }

  providerSamples(query: Omit<AggregateQuery, 'groupBy'>): Promise<ProviderSample[]> {
    return this.driver.read(providerSamples(query));
  }

  async putBudget(spec: BudgetSpec, nowMs: number, managedBy = ''): Promise<void> {
    await this.driver.write(budgets.putBudget(spec, nowMs, managedBy));
  }

  budgetManagers(): Promise<Map<string, string>> {
    return this.driver.read(budgets.budgetManagers());
  }

  getBudget(key: string): Promise<BudgetSpec | undefined> {
    return this.driver.read(budgets.getBudget(key));
  }

  listBudgets(): Promise<BudgetSpec[]> {
    return this.driver.read(budgets.listBudgets());
  }

  scopeDefinitions(): Promise<ScopeDefinition[]> {
    return this.driver.read(budgets.scopeDefinitions());
  }

  deleteBudget(key: string): Promise<boolean> {
    return this.driver.write(budgets.deleteBudget(key));
  }

  /** Read without writing: no lock, however the period rolled (the next admission persists the roll). */
  async counters(key: string, nowMs: number): Promise<BudgetCounters | undefined> {
    return (await this.driver.read(budgets.readCounters(nowMs, { key })))[0];
  }

  allCounters(nowMs: number): Promise<BudgetCounters[]> {
    return this.driver.read(budgets.readCounters(nowMs, 'definitions'));
  }

  templateCounters(
    key: string,
    nowMs: number,
    limit: number,
  ): Promise<{ count: number; top: BudgetCounters[] }> {
    return this.driver.read(
      (function* () {
        return {
          count: yield* budgets.templateCounterCount(key),
          top: yield* budgets.readCounters(nowMs, { template: key, limit, nowMs }),
        };
      })(),
    );
  }

  async reserve(r: ReservationRequest): Promise<ReserveOutcome | undefined> {
    // Calls several budgets cover all lock the organisation's row: on PostgreSQL they go in batches. A call one budget
    // covers locks its own row only, and goes alone (several at once on the pool) by the one-statement fast path.
    this.leases?.note(r);
    if (
      this.driver.dialect === 'postgres' &&
      (r.budgets.length > 1 || r.budgets[0]?.templateKey || this.leases?.leaseFor(r.budgets[0]?.key ?? ''))
    ) {
      const batched = await this.reserveBatched(r);
      if (batched !== LOCKED_LOOK) return batched;
    }
    const fast = await this.driver.write(reservations.reserveFast(r, this.driver.dialect), {
      ...SOFT,
      autocommit: this.driver.dialect === 'postgres',
    });
    if (fast !== reservations.LOCKED_LOOK) return fast;
    return this.driver.write(reservations.reserveSlow(r), SOFT);
  }

  /**
   * In a batch. A call with a template's counter not made yet, or left in an earlier period, has it made ready on its
   * own first (its row locked alone) and goes in a batch again; a batch that failed, or still cannot decide the call,
   * leaves it to be admitted by itself.
   */
  private async reserveBatched(r: ReservationRequest): Promise<ReserveOutcome | typeof LOCKED_LOOK> {
    const submit = () => this.admissions.submit(r).catch((): typeof LOCKED_LOOK => LOCKED_LOOK);
    const batched = await submit();
    if (batched !== LOCKED_LOOK || !r.budgets.some((b) => b.templateKey)) return batched;
    await this.driver.write(reservations.readyTemplateCounters(r), SOFT);
    return submit();
  }

  extend(r: ExtensionRequest): Promise<{ team: string; outcome?: ReserveOutcome } | undefined> {
    return this.driver.write(reservations.extendReservation(r), SOFT);
  }

  reservationTeam(id: string): Promise<string | undefined> {
    return this.driver.read(reservations.reservationTeam(id));
  }

  release(id: string): Promise<boolean> {
    return this.driver.write(reservations.release(id), SOFT);
  }

  expireReservations(untilMs: number, limit: number, fromMs?: number): Promise<ExpiredStep> {
    return this.driver.write(sweeps.expireReservations(this.driver.dialect, untilMs, limit, fromMs), {
      ...SOFT,
      autocommit: this.driver.dialect === 'postgres',
    });
  }

  reservationCount(): Promise<number> {
    return this.driver.read(reservations.reservationCount());
  }

  recount(nowMs: number, key?: string): Promise<RecountResult[]> {
    return this.driver.write(budgets.recount(nowMs, key));
  }

  recordAlert(alert: AlertRecord): Promise<boolean> {
    return this.driver.write(alerts.recordAlert(alert));
  }

  anyExpired(untilMs: number, fromMs = 0): Promise<boolean> {
    return this.driver.read(sweeps.anyExpired(untilMs, fromMs));
  }

  claimDueAlerts(nowMs: number, leaseMs: number, limit: number): Promise<QueuedAlert[]> {
    return this.driver.write(alerts.claimDueAlerts(nowMs, leaseMs, limit), { autocommit: true });
  }

  anyDueAlert(nowMs: number): Promise<boolean> {
    return this.driver.read(alerts.anyDueAlert(nowMs));
  }

  async alertDelivered(id: string, sink: string): Promise<void> {
    await this.driver.write(alerts.alertDelivered(id, sink));
  }

  async alertFailed(id: string, sink: string, nextAttemptMs: number, error: string): Promise<void> {
    await this.driver.write(alerts.alertFailed(id, sink, nextAttemptMs, error), { autocommit: true });
  }

  claimReconciliations(
    nowMs: number,
    leaseMs: number,
    limit: number,
    range?: { fromMs: number; toMs: number },
  ): Promise<ReconciliationTask[]> {
    return this.driver.write(recon.claimReconciliations(this.driver.dialect, nowMs, leaseMs, limit, range));
  }

  expediteReconciliations(fromMs: number, toMs: number, nowMs: number): Promise<number> {
    return this.driver.write(recon.expediteReconciliations(fromMs, toMs, nowMs));
  }

  markReconciled(generationId: string, billed: BilledCost, nowMs: number): Promise<void> {
    return this.driver.write(recon.markReconciled(generationId, billed, nowMs));
  }

  retryReconciliation(
    generationId: string,
    nextAttemptMs: number,
    error: string,
    giveUp: boolean,
  ): Promise<void> {
    return this.driver.write(recon.retryReconciliation(generationId, nextAttemptMs, error, giveUp));
  }

  reconciliationSummary(fromMs: number, toMs: number, changeLimit: number): Promise<ReconciliationSummary> {
    return this.driver.write(recon.reconciliationSummary(fromMs, toMs, changeLimit));
  }

  get dialect(): Dialect {
    return this.driver.dialect;
  }

  /** Runs a read-only script (ledger-views.ts) without a write lock. */
  read<T>(script: Script<T>): Promise<T> {
    return this.driver.read(script);
  }

  ping(): Promise<void> {
    return this.driver.ping();
  }

  async close(): Promise<void> {
    await this.leases?.close();
    await this.driver.close();
  }
}
