// Serves a hono app on Node's HTTP server and says where it listens (port 0 picks a free one).
import { serve, type ServerType } from '@hono/node-server';
import type { Env, Hono } from 'hono';

export interface Listening {
  server: ServerType;
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function listenApp<E extends Env>(
  app: Hono<E>,
  hostname: string,
  port: number,
): Promise<Listening> {
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, hostname, port }, () => resolve(s));
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  return {
    server,
    port: bound,
    url: `http://${hostname.includes(':') ? `[${hostname}]` : hostname}:${bound}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
