// The processor's price catalog, reloadable: the bundled table with GENOPS_PRICES_FILE laid over it, and a schedule
// that syncs that file from a price source and reloads the catalog when a price changed.
import { existsSync, unwatchFile, watchFile } from 'node:fs';
import { PriceCatalog, type PriceSource } from '@genops/pricing';
import { PeriodicTask } from '../periodic-task.js';
import { describeSync, runPriceSync } from './price-sync-job.js';

export class PriceCatalogHolder {
  private catalog: PriceCatalog;
  private loaded = new Date();
  private readonly listeners: ((catalog: PriceCatalog) => void)[] = [];
  private watching = false;

  constructor(private readonly file?: string) {
    this.catalog = this.load();
  }

  get current(): PriceCatalog {
    return this.catalog;
  }

  get loadedAt(): Date {
    return this.loaded;
  }

  /** Reads the file again; a broken file keeps the catalog in force and throws, naming the entry. */
  reload(): PriceCatalog {
    this.catalog = this.load();
    this.loaded = new Date();
    for (const listener of this.listeners) listener(this.catalog);
    return this.catalog;
  }

  /** Called with the new catalog after every reload (a sync that changed a price, an edited file). */
  onChange(listener: (catalog: PriceCatalog) => void): void {
    this.listeners.push(listener);
  }

  /**
   * Reloads when the price file changes (polled every `intervalMs`: works on every filesystem and on a ConfigMap's
   * symlink swap). A broken file is reported to `onError` and the catalog in force stays.
   */
  watch(intervalMs: number, onError: (error: Error) => void): void {
    if (!this.file || this.watching) return;
    this.watching = true;
    watchFile(this.file, { interval: intervalMs, persistent: false }, (now, before) => {
      if (now.mtimeMs === before.mtimeMs && now.size === before.size) return;
      try {
        this.reload();
      } catch (error) {
        onError(error as Error);
      }
    });
  }

  unwatch(): void {
    if (this.file && this.watching) unwatchFile(this.file);
    this.watching = false;
  }

  private load(): PriceCatalog {
    return this.file && existsSync(this.file) ? PriceCatalog.fromFile(this.file) : PriceCatalog.bundled();
  }
}

export interface PriceSyncScheduleOptions {
  source: PriceSource;
  url?: string;
  file: string;
  intervalMs: number;
  onResult: (outcome: 'changed' | 'unchanged' | 'failed', message: string) => void;
}

/** Syncs now and then every `intervalMs`; reloads the holder when the file changed. Never throws. */
export class PriceSyncSchedule {
  private readonly task: PeriodicTask;

  constructor(
    private readonly holder: PriceCatalogHolder,
    private readonly options: PriceSyncScheduleOptions,
  ) {
    this.task = new PeriodicTask(() => this.sync(), options.intervalMs);
    void this.runOnce();
  }

  /** One sync (or the one in progress). */
  runOnce(): Promise<void> {
    return this.task.runOnce();
  }

  private async sync(): Promise<void> {
    const { source, url, file, onResult } = this.options;
    try {
      const result = await runPriceSync({ source, out: file, ...(url ? { url } : {}) });
      const changed = result.added.length + result.changed.length > 0;
      if (changed) this.holder.reload();
      onResult(changed ? 'changed' : 'unchanged', describeSync(source, file, result).trim());
    } catch (error) {
      onResult('failed', `price sync from ${source} failed: ${(error as Error).message}`);
    }
  }

  stop(): Promise<void> {
    return this.task.stop();
  }
}
