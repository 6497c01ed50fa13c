#!/usr/bin/env node
// `warroom logs analyze` over large files starts the log scanner's worker threads first: they
// boot on the other cores while the CLI loads (src/logs/worker-pool.ts). Everything else
// loads the CLI only.
const args = process.argv.slice(2);
const logs = args.indexOf('logs');
if (logs >= 0 && /^analy[sz]e$/.test(args[logs + 1] ?? '')) (await import('../dist/logs-pool.js')).prestartForArgs(args.slice(logs + 2));
await import('../dist/cli.js');
