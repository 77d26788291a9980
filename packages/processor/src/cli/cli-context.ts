// What a `genops` command may touch: its environment, its output streams and the processor client built from them.
import { processorClient, type ProcessorClient } from './processor-client.js';

export interface CliContext {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The processor at GENOPS_URL with GENOPS_TOKEN. */
  client(): ProcessorClient;
}

export function cliContext(
  env: Record<string, string | undefined>,
  streams: Pick<CliContext, 'stdout' | 'stderr'>,
  fetchImpl: typeof fetch = globalThis.fetch,
): CliContext {
  return { env, ...streams, client: () => processorClient(env, fetchImpl) };
}
