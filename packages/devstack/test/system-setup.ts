// Vitest global setup for the `unit` project: what some unit tests run by name — promtool and amtool (Prometheus 3
// and Alertmanager, built from the Go module proxy into the cache), and the Debian packages — installed when
// missing, so `npm test` works on a fresh machine with nothing done first. The test workers inherit the PATH set here.
import {
  ensurePrometheusTools,
  ensureSystemPackages,
  pathWithPrometheusTools,
  stderrProgress,
} from '../src/index.js';

export default async function setup(): Promise<void> {
  await ensureSystemPackages(stderrProgress);
  process.env.PATH = pathWithPrometheusTools(await ensurePrometheusTools(stderrProgress));
}
