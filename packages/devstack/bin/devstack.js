#!/usr/bin/env node
// Stable entry point that exists before the build (npm links bins at install time, before `prepare` compiles).
await import('../dist/cli.js');
