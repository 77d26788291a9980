// What the consumer is really doing, for /readyz: joined and consuming, rebalancing, restarting (its stream failed —
// the broker went away — and it is rebuilding it), stopped — and how far behind the partition ends it was after its last batch.
export type ConsumerPhase = 'starting' | 'consuming' | 'rebalancing' | 'restarting' | 'stopped';

export class ConsumerHealth {
  private phase: ConsumerPhase = 'starting';
  private detail = '';
  private readonly lags = new Map<string, number>();

  constructor(
    /** Messages behind a partition's end above which the processor reports not ready. */
    private readonly maxLag: number,
  ) {}

  set(phase: ConsumerPhase, detail = ''): void {
    this.phase = phase;
    this.detail = detail;
    if (phase !== 'consuming') this.lags.clear();
  }

  lag(topic: string, partition: number, messages: number): void {
    this.lags.set(`${topic}[${partition}]`, messages);
  }

  /** 'ok', or why not. */
  readiness(): string {
    if (this.phase !== 'consuming') return this.detail ? `${this.phase}: ${this.detail}` : this.phase;
    let worst: [string, number] | undefined;
    for (const [where, n] of this.lags) if (!worst || n > worst[1]) worst = [where, n];
    if (worst && worst[1] > this.maxLag)
      return `lagging: ${worst[1]} messages behind on ${worst[0]} (limit ${this.maxLag}, GENOPS_READY_MAX_LAG)`;
    return 'ok';
  }
}
