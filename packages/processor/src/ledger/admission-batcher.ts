// Calls that arrive while a statement runs wait for it and then go together: one statement in flight per processor,
// as many calls in it as came meanwhile (group commit, for admissions).

interface Waiting<Req, Res> {
  request: Req;
  resolve: (result: Res) => void;
  reject: (error: unknown) => void;
}

export class AdmissionBatcher<Req, Res> {
  private waiting: Waiting<Req, Res>[] = [];
  private running = false;

  /** `run` answers each request of a batch, in order. */
  constructor(
    private readonly run: (batch: Req[]) => Promise<Res[]>,
    private readonly maxBatch: number,
  ) {}

  submit(request: Req): Promise<Res> {
    return new Promise<Res>((resolve, reject) => {
      this.waiting.push({ request, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.waiting.length) {
      const batch = this.waiting.splice(0, this.maxBatch);
      try {
        const results = await this.run(batch.map((w) => w.request));
        batch.forEach((w, i) => w.resolve(results[i]!));
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    this.running = false;
  }
}
