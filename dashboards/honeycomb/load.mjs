#!/usr/bin/env node
// Loads queries.json, board.json and triggers.json into Honeycomb through its REST API:
//   HONEYCOMB_API_KEY=… HONEYCOMB_DATASET=my-service node dashboards/honeycomb/load.mjs
// Queries and their annotations are created first; the board's `{{query:NAME}}` / `{{annotation:NAME}}`
// placeholders are then replaced by their ids. HONEYCOMB_API_URL overrides https://api.honeycomb.io (EU:
// https://api.eu1.honeycomb.io). Needs a configuration key with the Manage Queries, Boards and Triggers permissions.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const read = (name) => JSON.parse(readFileSync(join(here, name), 'utf8'));

const key = process.env.HONEYCOMB_API_KEY;
const dataset = process.env.HONEYCOMB_DATASET;
const api = (process.env.HONEYCOMB_API_URL ?? 'https://api.honeycomb.io').replace(/\/$/, '');
if (!key || !dataset) {
  process.stderr.write('set HONEYCOMB_API_KEY and HONEYCOMB_DATASET (the dataset your traces land in)\n');
  process.exit(2);
}

async function post(path, body) {
  const response = await fetch(`${api}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-honeycomb-team': key },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status} ${text}`);
  return JSON.parse(text);
}

const ds = encodeURIComponent(dataset);
const ids = new Map();
for (const q of read('queries.json')) {
  const query = await post(`/1/queries/${ds}`, q.query);
  const annotation = await post(`/1/query_annotations/${ds}`, {
    name: q.name,
    description: q.description,
    query_id: query.id,
  });
  ids.set(`query:${q.name}`, query.id);
  ids.set(`annotation:${q.name}`, annotation.id);
  process.stderr.write(`query       ${query.id}  ${q.name}\n`);
}
const boardText = readFileSync(join(here, 'board.json'), 'utf8').replace(
  /\{\{((?:query|annotation):[^}]+)\}\}/g,
  (_, ref) => {
    const id = ids.get(ref);
    if (!id) throw new Error(`board.json refers to ${ref}, which queries.json does not define`);
    return id;
  },
);
const board = await post('/1/boards', JSON.parse(boardText));
process.stderr.write(`board       ${board.id}  ${board.name}\n`);
for (const t of read('triggers.json')) {
  const trigger = await post(`/1/triggers/${ds}`, t);
  process.stderr.write(`trigger     ${trigger.id}  ${t.name}\n`);
}
