/**
 * Post-mortem generation for an incident with 10,000 timeline entries (issue 6 target: < 1 s).
 * Measures, on SQLite and PostgreSQL: the whole use case (read incident + timeline + review +
 * action items, build the model, render Markdown, HTML and JSON, write the files), then the pure
 * stages alone, and the built CLI end to end (`warroom postmortem INC-1 --format md,html,json`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { openStore, type Store } from '../src/store/db.js';
import { buildSeverityPolicy } from '../src/core/severity.js';
import { declareIncident } from '../src/app/declare-incident.js';
import { resolveIncident } from '../src/app/resolve-incident.js';
import { generatePostmortem } from '../src/app/generate-postmortem.js';
import { appendEntries, getIncident, listTimeline } from '../src/store/incident.repository.js';
import { buildPostmortemModel } from '../src/core/postmortem.js';
import { renderMarkdown } from '../src/postmortem/render-markdown.js';
import { renderHtml } from '../src/postmortem/render-html.js';
import { renderJson } from '../src/postmortem/write-outputs.js';
import { loadTemplate } from '../src/postmortem/template.js';
import type { AppContext } from '../src/app/context.js';
import type { NewTimelineEntry, TimelineKind } from '../src/core/incident.js';

const ENTRIES = 10_000;
const RUNS = 7;
const TARGET_MS = 1000;
const BIN = resolve('bin/warroom.js');
const PG_ADMIN = process.env.WARROOM_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const policy = buildSeverityPolicy();
const ctxFor = (store: Store): AppContext => ({
  actor: { name: 'bench', role: 'admin', via: 'cli' },
  now: () => new Date(),
  store,
  config: {},
  policy,
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Wall-clock ms; the CPU ms of this process for the same call is pushed to cpuSamples when given. */
async function time(fn: () => Promise<unknown> | unknown, cpuSamples?: number[]): Promise<number> {
  const c = process.cpuUsage();
  const t = process.hrtime.bigint();
  await fn();
  const wall = Number(process.hrtime.bigint() - t) / 1e6;
  const d = process.cpuUsage(c);
  cpuSamples?.push((d.user + d.system) / 1000);
  return wall;
}

/** A long incident: 10,000 entries over ~14 hours, a realistic mix of kinds, with notes that need escaping. */
async function seed(store: Store): Promise<void> {
  const ctx = ctxFor(store);
  await declareIncident(ctx, {
    title: 'Checkout <b>down</b> | 500s',
    severity: 'SEV1',
    commander: 'alice',
    services: ['checkout', 'db'],
    impact: 'Payments fail',
  });
  const start = Date.now() - 15 * 3_600_000;
  const kinds: TimelineKind[] = ['note', 'note', 'finding', 'action', 'note', 'update', 'decision', 'note'];
  const batch: NewTimelineEntry[] = [];
  for (let i = 0; i < ENTRIES - 3; i++) {
    batch.push({
      at: new Date(start + i * 5_000).toISOString(),
      author: `responder${i % 7}`,
      kind: kinds[i % kinds.length],
      text: `entry ${i}: pool at ${i % 100}/100 <connections> | retry ${i}`,
      corrects: null,
      data: null,
    });
  }
  for (let i = 0; i < batch.length; i += 500) await store.writeTx((trx) => appendEntries(trx, 'INC-1', batch.slice(i, i + 500)));
  await resolveIncident(ctx, 'INC-1', { summary: 'Rolled back' });
}

async function measure(label: string, store: Store) {
  await seed(store);
  const ctx = ctxFor(store);
  const out = mkdtempSync(join(tmpdir(), 'warroom-bench-pm-'));
  const n = (await listTimeline(store.db, 'INC-1')).length;
  await generatePostmortem(ctx, 'INC-1', { outputDir: out, format: 'md,html,json' }); // warm-up (JIT, caches)
  const full: number[] = [];
  const fullCpu: number[] = [];
  for (let i = 0; i < RUNS; i++)
    full.push(await time(() => generatePostmortem(ctx, 'INC-1', { outputDir: out, format: 'md,html,json' }), fullCpu));
  // The stages on their own, from the same records.
  const inc = await getIncident(store.db, 'INC-1');
  const tl = await listTimeline(store.db, 'INC-1');
  const template = loadTemplate('full', {}, process.cwd()).text;
  const read: number[] = [],
    model: number[] = [],
    md: number[] = [],
    html: number[] = [],
    json: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    read.push(await time(() => listTimeline(store.db, 'INC-1')));
    let m!: ReturnType<typeof buildPostmortemModel>;
    model.push(
      await time(() => {
        m = buildPostmortemModel({ incident: inc, timeline: tl, record: null, actionItems: [], policy, now: new Date().toISOString() });
      }),
    );
    md.push(await time(() => renderMarkdown(m, template)));
    html.push(await time(() => renderHtml(m)));
    json.push(await time(() => renderJson(m)));
  }
  const f = median(full);
  // CPU time is printed too: on a shared, overloaded machine wall time mostly measures the queue for a core.
  console.log(
    `${label}: ${n} timeline entries — generate md+html+json wall median ${f.toFixed(1)} ms (min ${Math.min(...full).toFixed(1)}, max ${Math.max(...full).toFixed(1)}), CPU median ${median(fullCpu).toFixed(1)} ms; target < ${TARGET_MS} ms: ${f < TARGET_MS ? 'PASS' : 'FAIL'}`,
  );
  console.log(
    `  stages (median): read timeline ${median(read).toFixed(1)} ms | model ${median(model).toFixed(1)} ms | markdown ${median(md).toFixed(1)} ms | html ${median(html).toFixed(1)} ms | json ${median(json).toFixed(1)} ms`,
  );
  rmSync(out, { recursive: true, force: true });
  return f;
}

async function cli(): Promise<number> {
  const cwd = mkdtempSync(join(tmpdir(), 'warroom-bench-pmcli-'));
  const store = await openStore({ dataDir: join(cwd, '.warroom') });
  await seed(store);
  await store.close();
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, 'postmortem', 'INC-1', '--format', 'md,html,json', '--output-dir', 'out'], {
      cwd,
      stdio: 'ignore',
      env: { ...process.env, NO_COLOR: '1', WARROOM_USER: 'bench' },
    });
    if (r.status !== 0) throw new Error(`warroom postmortem exited ${r.status}`);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  rmSync(cwd, { recursive: true, force: true });
  const m = median(samples);
  console.log(`CLI end to end (process start included, SQLite): warroom postmortem INC-1 --format md,html,json median ${m.toFixed(1)} ms`);
  return m;
}

let failed = false;
{
  const dir = mkdtempSync(join(tmpdir(), 'warroom-bench-pm-sqlite-'));
  const store = await openStore({ dataDir: dir });
  try {
    if ((await measure('SQLite', store)) >= TARGET_MS) failed = true;
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
{
  const name = `wr_bench_pm_${process.pid}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const store = await openStore({ databaseUrl: PG_ADMIN.replace(/\/[^/]*$/, `/${name}`) });
  try {
    if ((await measure('PostgreSQL', store)) >= TARGET_MS) failed = true;
  } finally {
    await store.close();
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
await cli();
process.exit(failed ? 1 : 0);
