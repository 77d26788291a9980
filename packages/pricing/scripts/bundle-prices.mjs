#!/usr/bin/env node
// Regenerates src/bundled-prices.json — the table every service and the processor start with, offline — from the real
// sources: LiteLLM's price file as its newest wheel on PyPI ships it, Pydantic's genai-prices data as the installed
// npm package ships it (and its match rules, for model identity), and optionally a captured OpenRouter listing.
// History is kept: a model's earlier entries stay, a changed price is appended, dated. A model new to the table is
// dated by its earliest dated snapshot name at the same price (`gpt-4o-2024-08-06` → 2024-08-06), else by the date
// of the source it came from.
//
//   npm run build -w @genops/pricing && node packages/pricing/scripts/bundle-prices.mjs \
//     [--litellm-wheel <file.whl>] [--openrouter <models.json>] [--date <YYYY-MM-DD>]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { unzipSync, strFromU8 } from 'fflate';
import { findProvider } from '@pydantic/genai-prices';
import * as prettier from 'prettier';
import {
  BUNDLED_PRICES,
  mergePrices,
  parseModelName,
  PriceCatalog,
  pricesFromGenaiPrices,
  pricesFromLiteLLM,
  pricesFromOpenRouter,
  samePrice,
} from '../dist/index.js';

/** The makers whose models the table carries. */
const VENDORS = new Set([
  'openai',
  'anthropic',
  'google',
  'deepseek',
  'mistralai',
  'x-ai',
  'moonshotai',
  'qwen',
  'meta-llama',
]);
/** A model name as a maker writes it: no fine-tune (`ft:…`) or routing (`:free`) suffix, no stray punctuation. */
const MODEL_KEY = /^[a-z0-9]+(?:[.-][a-z0-9]+)*$/;
const GENAI_PROVIDERS = ['anthropic', 'openai', 'google', 'deepseek', 'mistral', 'x-ai', 'moonshotai'];
const LITELLM_FILE = 'litellm/model_prices_and_context_window_backup.json';
// The package's exports do not include package.json: read it beside the entry point.
const GENAI_VERSION = JSON.parse(
  readFileSync(
    join(dirname(fileURLToPath(import.meta.resolve('@pydantic/genai-prices'))), '..', 'package.json'),
    'utf8',
  ),
).version;

const { values: args } = parseArgs({
  options: {
    'litellm-wheel': { type: 'string' },
    openrouter: { type: 'string' },
    date: { type: 'string' },
  },
});

/** LiteLLM's price file from a wheel on disk, or the newest wheel on PyPI; with the wheel's upload date. */
async function liteLLM() {
  let bytes;
  let version;
  let date;
  if (args['litellm-wheel']) {
    bytes = readFileSync(args['litellm-wheel']);
    version = /litellm-([^-/]+)-[^/]*\.whl$/.exec(args['litellm-wheel'])?.[1] ?? 'local';
  } else {
    const index = await (await fetch('https://pypi.org/pypi/litellm/json')).json();
    const wheel = index.urls.find((u) => u.filename.endsWith('.whl'));
    if (!wheel) throw new Error('no litellm wheel on PyPI');
    console.error(`downloading ${wheel.filename} (${(wheel.size / 1e6).toFixed(0)} MB)`);
    bytes = new Uint8Array(await (await fetch(wheel.url)).arrayBuffer());
    version = index.info.version;
    date = wheel.upload_time_iso_8601.slice(0, 10);
  }
  const files = unzipSync(bytes, { filter: (f) => f.name === LITELLM_FILE });
  if (!files[LITELLM_FILE]) throw new Error(`${LITELLM_FILE} is not in the wheel`);
  return { body: JSON.parse(strFromU8(files[LITELLM_FILE])), version, date };
}

/** A LiteLLM key's date when the key is a dated snapshot (`-20250929`, `-2024-08-06`, `@20250929`). */
function keyDate(key) {
  const m = /(?:-|@)(\d{4})-?(\d{2})-?(\d{2})(?:-v\d+(?::\d+)?)?$/.exec(key);
  if (!m) return undefined;
  const iso = `${m[1]}-${m[2]}-${m[3]}`;
  return Number.isNaN(Date.parse(iso)) || m[1] < '2020' ? undefined : iso;
}

/** For each model id, the earliest date a dated LiteLLM key priced it at each price. */
function releaseDates(body) {
  const dates = new Map();
  for (const [key, raw] of Object.entries(body)) {
    const date = keyDate(key);
    if (!date) continue;
    for (const [id, price] of Object.entries(pricesFromLiteLLM({ [key]: raw }))) {
      const list = dates.get(id) ?? [];
      list.push({ date, price });
      dates.set(id, list);
    }
  }
  return dates;
}

const vendorOf = (id) => parseModelName(id).vendor;

async function main() {
  const litellm = await liteLLM();
  const snapshot = args.date ?? litellm.date ?? new Date().toISOString().slice(0, 10);
  const genai = pricesFromGenaiPrices(
    GENAI_PROVIDERS.map((id) => findProvider({ providerId: id })).filter(Boolean),
    new Date(`${snapshot}T00:00:00Z`),
  );
  // The makers' own prices first (LiteLLM's first-party keys, genai-prices), then what platforms list.
  const sources = [
    ['litellm', pricesFromLiteLLM(litellm.body, { firstPartyOnly: true })],
    ['genai-prices', genai.prices],
    ['litellm (platforms)', pricesFromLiteLLM(litellm.body)],
    ...(args.openrouter
      ? [['openrouter', pricesFromOpenRouter(JSON.parse(readFileSync(args.openrouter, 'utf8')))]]
      : []),
  ];
  // The first source that prices a model gives its whole price.
  const current = {};
  const from = {};
  for (const [name, prices] of sources)
    for (const [id, price] of Object.entries(prices)) {
      if (!VENDORS.has(vendorOf(id)) || !MODEL_KEY.test(parseModelName(id).key) || current[id]) continue;
      current[id] = price;
      from[id] = name;
    }

  // Models new to the table: first dated at their earliest snapshot at this price.
  const dates = releaseDates(litellm.body);
  const history = { version: BUNDLED_PRICES.version, models: { ...BUNDLED_PRICES.models } };
  for (const [id, price] of Object.entries(current)) {
    if (history.models[id]) continue;
    const first = (dates.get(id) ?? [])
      .filter((d) => samePrice(d.price, price))
      .map((d) => d.date)
      .sort()[0];
    if (first && first < snapshot) history.models[id] = [{ effectiveFrom: first, ...price }];
  }
  const result = mergePrices(history, current, snapshot, snapshot, { match: genai.match });
  const table = {
    version: result.table.version,
    models: Object.fromEntries(Object.entries(result.table.models).sort(([a], [b]) => a.localeCompare(b))),
    match: Object.fromEntries(
      Object.entries(result.table.match ?? {})
        .filter(([id]) => result.table.models[id])
        .sort(([a], [b]) => a.localeCompare(b)),
    ),
  };
  new PriceCatalog(table); // valid, or this throws naming the entry

  const counts = Object.entries(from).reduce((n, [, s]) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});
  const out = new URL('../src/bundled-prices.json', import.meta.url);
  const provenance = {
    generatedBy: 'packages/pricing/scripts/bundle-prices.mjs',
    litellm: litellm.version,
    genaiPrices: GENAI_VERSION,
    ...(args.openrouter ? { openrouter: args.openrouter } : {}),
    modelsFrom: counts,
  };
  const json = JSON.stringify({
    version: table.version,
    sources: provenance,
    models: table.models,
    match: table.match,
  });
  const options = (await prettier.resolveConfig(out.pathname)) ?? {};
  writeFileSync(out, await prettier.format(json, { ...options, filepath: out.pathname }));
  console.log(
    `${Object.keys(table.models).length} models (${result.added.length} added, ${result.changed.length} changed, ${result.unchanged} unchanged) → ${out.pathname}`,
  );
}

await main();
