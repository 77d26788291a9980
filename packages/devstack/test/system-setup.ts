// Vitest global setup for the `unit` project: the Debian tools some unit tests run (promtool, amtool), installed
// with apt-get when missing and running as root, so `npm test` works on a fresh machine with nothing done first.
import { ensureSystemPackages, stderrProgress } from '../src/index.js';

export default async function setup(): Promise<void> {
  await ensureSystemPackages(stderrProgress);
}
