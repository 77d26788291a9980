// The processor's topics, created when missing. Several processors starting at the same moment all find them
// missing and all ask the broker to create them: one wins, the others get TOPIC_ALREADY_EXISTS — which is success.
// A broker under load may also answer REQUEST_TIMED_OUT for a creation that then completes: the listing, asked again
// until the deadline, has the last word.
import { setTimeout as sleep } from 'node:timers/promises';
import { MultipleErrors, ProtocolError, type Admin } from '@platformatic/kafka';

export type TopicAdmin = Pick<Admin, 'listTopics' | 'createTopics'>;

/** Creates those of `topics` that do not exist (the broker's default partitions and replicas). */
export async function ensureTopics(
  admin: TopicAdmin,
  topics: readonly string[],
  { deadlineMs = 30_000, pauseMs = 500 } = {},
): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (!missing.length) return;
    try {
      await admin.createTopics({ topics: missing });
      return;
    } catch (error) {
      if (onlyAlreadyExists(error)) return;
      if (Date.now() >= deadline)
        throw new Error(`cannot create the Kafka topics ${missing.join(', ')}: ${errorText(error)}`, {
          cause: error,
        });
      await sleep(pauseMs);
    }
  }
}

/** The broker refused the creation only because every topic in it exists already. */
export function onlyAlreadyExists(error: unknown): boolean {
  const leaves = leafErrors(error);
  return leaves.every((e) => e instanceof ProtocolError && e.apiId === 'TOPIC_ALREADY_EXISTS');
}

/** The client's nested errors as one line: what the broker (or the network) really said. */
export function errorText(error: unknown): string {
  return leafErrors(error).map(leafText).join('; ');
}

function leafText(error: unknown): string {
  if (error instanceof ProtocolError)
    return error.serverErrorMessage ? `${error.apiId}: ${error.serverErrorMessage}` : String(error.apiId);
  return error instanceof Error ? error.message : String(error);
}

function leafErrors(error: unknown): unknown[] {
  if (!(error instanceof MultipleErrors) || !error.errors.length) return [error];
  return (error.errors as unknown[]).flatMap(leafErrors);
}
