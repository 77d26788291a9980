#!/usr/bin/env node
// Writes test/fixtures/genai-prices-<version>.json: the makers' providers exactly as the installed
// @pydantic/genai-prices package ships them (its embedded data, the same shape as its remote data.json).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findProvider } from '@pydantic/genai-prices';

const MAKERS = ['anthropic', 'openai', 'google', 'deepseek', 'mistral', 'x-ai', 'moonshotai'];
// The package's exports do not include package.json: read it beside the entry point.
const entry = fileURLToPath(import.meta.resolve('@pydantic/genai-prices'));
const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8'));
const providers = MAKERS.map((id) => findProvider({ providerId: id })).filter(Boolean);
const out = new URL(`../test/fixtures/genai-prices-${version}.json`, import.meta.url);
writeFileSync(out, `${JSON.stringify(providers, null, 1)}\n`);
console.log(
  `${providers.length} providers, ${providers.reduce((n, p) => n + p.models.length, 0)} models → ${out.pathname}`,
);
