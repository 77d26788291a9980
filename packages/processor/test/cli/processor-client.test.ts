import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/api/index.js';
import { processorClient } from '../../src/cli/processor-client.js';

/** A port nothing listens on: a server's, closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const answering =
  (status: number, body: unknown): typeof fetch =>
  async () =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('processorClient', () => {
  describe('when nothing listens at GENOPS_URL', () => {
    it('names the URL, says the connection was refused and what to set', async () => {
      const url = `http://127.0.0.1:${await closedPort()}`;
      await expect(processorClient({ GENOPS_URL: url }).call(ROUTES.listBudgets)).rejects.toThrow(
        `cannot reach the processor at ${url} (connection refused: is \`genops serve\` running there?); set GENOPS_URL to where it listens`,
      );
    });
  });

  describe('when the processor refuses the token', () => {
    it('says to set GENOPS_TOKEN', async () => {
      const client = processorClient(
        { GENOPS_URL: 'http://genops.test/' },
        answering(401, { error: { code: 'UNAUTHENTICATED', message: 'a valid bearer token is required' } }),
      );
      await expect(client.call(ROUTES.listBudgets)).rejects.toThrow(
        "http://genops.test refused the request (401): set GENOPS_TOKEN to one of the processor's GENOPS_API_TOKENS",
      );
    });
  });

  describe('when the processor answers an error', () => {
    it('gives its message with the status, code and URL', async () => {
      const client = processorClient(
        { GENOPS_URL: 'http://genops.test' },
        answering(404, { error: { code: 'NOT_FOUND', message: 'team x has no budget' } }),
      );
      await expect(client.call(ROUTES.getBudget, { params: { team: 'x' } })).rejects.toThrow(
        'team x has no budget (404 NOT_FOUND from http://genops.test)',
      );
    });
  });

  describe('when it answers', () => {
    it('sends the token and returns the checked answer', async () => {
      let auth: string | null = null;
      const client = processorClient(
        { GENOPS_URL: 'http://genops.test', GENOPS_TOKEN: 't0k' },
        async (_url, init) => {
          auth = new Headers(init?.headers).get('authorization');
          return new Response(JSON.stringify({ budgets: [] }), { status: 200 });
        },
      );
      expect(await client.call(ROUTES.listBudgets)).toEqual({ budgets: [] });
      expect(auth).toBe('Bearer t0k');
    });
  });
});
