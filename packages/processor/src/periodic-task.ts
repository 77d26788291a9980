// A job run on a timer, one run at a time (a tick while a run is in progress joins it); stop() waits for that run.
export class PeriodicTask {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  /** `run` must not throw: it reports its own failures. */
  constructor(
    private readonly run: () => Promise<void>,
    everyMs: number,
  ) {
    this.timer = setInterval(() => void this.runOnce(), everyMs);
    this.timer.unref();
  }

  /** One run now (or the one in progress). */
  runOnce(): Promise<void> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Resolves once no run is in progress (at once when none is). */
  async idle(): Promise<void> {
    await this.running;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
