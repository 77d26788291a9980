// Progress lines on stderr, so `status --json` on stdout stays machine-readable.
const started = Date.now();

export type Progress = (message: string) => void;

export const stderrProgress: Progress = (message) => {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stderr.write(`[devstack ${seconds}s] ${message}\n`);
};

export const silentProgress: Progress = () => {};
