// The web console's files (built by `npm run build` into dist/console), served at `/` beside the API: each compressed
// once, when first asked for (brotli or gzip), hashed assets cached for a year, index.html never, a strict CSP.
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context } from 'hono';

/** Same origin only: no inline script or style, no frames, no other origin for anything. */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

interface Asset {
  type: string;
  raw: Buffer;
  compressible: boolean;
  br?: Buffer;
  gzip?: Buffer;
  immutable: boolean;
}

/** Where `npm run build` puts the console: dist/console at the package's root (this file is in src/ or dist/). */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL('../../dist/console/', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

export class ConsoleAssets {
  private readonly assets = new Map<string, Asset>();

  /** Reads and compresses the built console; `available` is false when it was not built. */
  constructor(readonly dir: string = DEFAULT_CONSOLE_DIR) {
    if (!existsSync(join(dir, 'index.html'))) return;
    for (const file of filesUnder(dir)) {
      const path = '/' + relative(dir, file).split(sep).join('/');
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      const raw = readFileSync(file);
      const compressible = /^(text|image\/svg|application\/json)/.test(type) && raw.length > 512;
      this.assets.set(path, { type, raw, compressible, immutable: path.startsWith('/assets/') });
    }
  }

  get available(): boolean {
    return this.assets.has('/index.html');
  }

  /**
   * The asset at `path`; a page path (no extension: `/budgets`) gets index.html, for the console's own routing.
   * Undefined for a missing asset.
   */
  serve(c: Context, path: string): Response | undefined {
    const page = !extname(path);
    const asset = this.assets.get(page ? '/index.html' : path);
    if (!asset) return undefined;
    const encodings = c.req.header('accept-encoding') ?? '';
    const [body, encoding] =
      asset.compressible && /\bbr\b/.test(encodings)
        ? [
            (asset.br ??= brotliCompressSync(asset.raw, {
              params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
            })),
            'br',
          ]
        : asset.compressible && /\bgzip\b/.test(encodings)
          ? [(asset.gzip ??= gzipSync(asset.raw, { level: 9 })), 'gzip']
          : [asset.raw, undefined];
    const headers: Record<string, string> = {
      'content-type': asset.type,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-security-policy': CONSOLE_CSP,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      vary: 'accept-encoding',
      ...(encoding ? { 'content-encoding': encoding } : {}),
    };
    return new Response(c.req.method === 'HEAD' ? null : new Uint8Array(body), { headers });
  }
}

let defaultAssets: ConsoleAssets | undefined;

/** The built console at its default place, read once per process (every app a process creates serves the same). */
export function defaultConsoleAssets(): ConsoleAssets {
  return (defaultAssets ??= new ConsoleAssets());
}
