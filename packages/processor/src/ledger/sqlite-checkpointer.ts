// Checkpoints the SQLite WAL in a worker thread on its own connection, so the copy back into the database file
// and its fsync never stall the processor's event loop (and with it every admission) the way an automatic
// checkpoint, run by whichever commit crosses the threshold, would.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

// The worker's source, evaluated (it works the same from src under a test runner and from dist).
const SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try {
    // PASSIVE never waits for, or blocks, the writer: what it cannot copy now, the next round does.
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: error.message });
  }
}, workerData.everyMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/**
 * Starts the worker. A checkpoint that fails (a full disk, a busy lock) is reported to `onError` and tried again
 * on the next round; `onFailure` runs once if the worker dies (the caller then checkpoints on its own thread).
 */
export function startCheckpointer(
  path: string,
  everyMs: number,
  onFailure: (message: string) => void,
  onError: (message: string) => void = () => {},
): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  // No execArgv of ours (e.g. --input-type=module would make the evaluated source ESM, without require).
  const worker = new Worker(SOURCE, { eval: true, execArgv: [], workerData: { path, everyMs, driver } });
  let stopping = false;
  let failed = false;
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    onFailure(message);
  };
  worker.on('message', (m: { error?: string }) => m.error && onError(m.error));
  worker.on('error', (error) => fail(error.message));
  worker.on('exit', (code) => stopping || fail(`checkpoint worker exited (${code})`));
  // After the listeners: a 'message' listener refs the worker again, and an open ledger must not keep the
  // process alive.
  worker.unref();
  return {
    async stop() {
      stopping = true;
      if (worker.threadId < 0) return;
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.ref(); // keep the process alive until the worker has closed its connection
      worker.postMessage('stop');
      await exited;
    },
  };
}
