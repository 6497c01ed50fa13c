// The triage fault lab as a score (issue 14): every scenario in lab/scenarios/ on a real
// FastAPI + PostgreSQL + Redis stack on loopback, `warroom triage --json` against its ground truth.
// Prints one row per scenario, then: first finding correct N/M, action correct N/M, false claims K,
// and triage time median/max where every probe answers vs. where a probe hangs. The table is also
// written to bench/out/triage-lab.json.
// Usage: npm run bench -- triage   (LAB_SCENARIOS=id,id runs only those; LAB_WARROOM_CLI=path another build)
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLab } from '../lab/lab.js';
import { SCENARIOS } from '../lab/scenarios/index.js';
import { REPO } from '../lab/stack.js';

const only = process.env.LAB_SCENARIOS?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
const scenarios = only ? SCENARIOS.filter((s) => only.includes(s.id)) : SCENARIOS;
if (only && scenarios.length !== only.length)
  throw new Error(`unknown scenario id(s): ${only.filter((id) => !SCENARIOS.some((s) => s.id === id)).join(', ')}`);

const pad = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s.padEnd(n));
const yes = (b: boolean) => (b ? 'yes' : 'NO');
console.log(
  `${pad('scenario', 34)} ${pad('expected first', 40)} ${pad('got first', 40)} ${pad('first', 5)} ${pad('action', 6)} ${pad('false claims', 40)} triage ms`,
);
const summary = await runLab(scenarios, (r) => {
  const got = r.faultError
    ? 'FAULT NOT IN EFFECT'
    : r.first
      ? `${r.first.rule}@${r.first.service}`
      : r.report
        ? '(no findings)'
        : '(no report)';
  console.log(
    `${pad(r.id, 34)} ${pad(r.expected, 40)} ${pad(got, 40)} ${pad(yes(r.firstOk), 5)} ${pad(yes(r.actionOk), 6)} ${pad(r.falseClaims.join('; ') || '-', 40)} ${r.triageMs}`,
  );
  if (r.faultError) console.log(`    fault not in effect: ${r.faultError.split('\n')[0]}`);
  if (r.triageError) console.log(`    ${r.triageError.slice(0, 300)}`);
  if (r.first?.action) console.log(`    action: ${r.first.action.slice(0, 200)}`);
  for (const c of r.commands.filter((x) => !x.ok)) console.log(`    command refused: ${c.command}: ${c.detail}`);
});
const t = summary.triageMs;
console.log(
  `\nfirst finding correct ${summary.firstCorrect}/${summary.total}, action correct ${summary.actionCorrect}/${summary.total}, false claims ${summary.falseClaims}`,
);
console.log(
  `triage time: every probe answers median ${t.answering.median} ms, max ${t.answering.max} ms; a probe hangs median ${t.hanging.median} ms, max ${t.hanging.max} ms`,
);
if (summary.faultNotInEffect.length)
  console.log(`fault not in effect (harness problem, not a triage miss): ${summary.faultNotInEffect.join(', ')}`);
const notes = [...new Set(summary.results.flatMap((r) => r.configNotes))];
for (const n of notes) console.log(`note: ${n}`);
console.log(`lab wall time ${(summary.wallMs / 1000).toFixed(1)} s`);

const outDir = join(REPO, 'bench/out');
mkdirSync(outDir, { recursive: true });
const rows = summary.results.map(({ report: _report, ...r }) => r);
writeFileSync(join(outDir, 'triage-lab.json'), `${JSON.stringify({ ...summary, results: rows, at: new Date().toISOString() }, null, 2)}\n`);
console.log(`wrote ${join(outDir, 'triage-lab.json')}`);
