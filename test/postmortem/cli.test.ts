import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { runCli, tempDir, type CliResult } from '../helpers/cli.js';
import { postmortemModelSchema, actionItemSchema, editResultSchema, statsSchema } from '../../src/contract/postmortems.js';
import { incidentDetailSchema } from '../../src/contract/incidents.js';

/**
 * End to end through the built binary: an incident is declared, worked and resolved with the
 * real CLI, then its post-mortem is generated, edited, reviewed and published.
 */
const CHROMIUM = process.env.WARROOM_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

let dir: string;
const cli = (...args: string[]) => runCli(args, { cwd: dir, env: { WARROOM_USER: 'alice' }, timeoutMs: 60_000 });
const ok = (r: CliResult) => {
  if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
};
const EVIL = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">';
const future = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  dir = tempDir('warroom-pm-');
  ok(await cli('declare', `Checkout down ${EVIL}`, '-s', 'SEV2', '--service', 'checkout', '--impact', 'Users see 500 errors at payment'));
  ok(await cli('note', 'INC-1', 'Error-rate alert fired', '--kind', 'detection', '--at', '4 minutes ago'));
  ok(await cli('note', 'INC-1', 'Connection pool at 100/100 | pgbouncer saturated', '--kind', 'finding'));
  ok(await cli('severity', 'INC-1', 'SEV1', '--reason', 'all users affected'));
  ok(await cli('ack', 'INC-1'));
  ok(await cli('status', 'INC-1', 'mitigating', '--note', 'rolling back v2.3'));
  ok(await cli('resolve', 'INC-1', '--summary', 'Rollback to v2.2 restored checkout'));
}, 240_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The machine is shared with other suites: a CLI run can take a second or more under load.
describe('warroom postmortem (CLI)', { timeout: 240_000 }, () => {
  it('writes md, html and json drafts whose durations and timeline match the record', async () => {
    const r = ok(await cli('postmortem', 'INC-1', '--format', 'md,html,json', '--output-dir', 'pm', '--json'));
    const out = r.json<{
      incidentId: string;
      state: string;
      level: string;
      created: boolean;
      dueAt: string;
      files: { format: string; path: string }[];
      prompts: string[];
    }>();
    expect(out).toMatchObject({ incidentId: 'INC-1', state: 'draft', level: 'full', created: true });
    expect(out.files.map((f) => f.format)).toEqual(['md', 'html', 'json']);
    expect(out.prompts).toEqual(['root_cause', 'contributing_factors', 'what_went_well', 'what_could_be_improved', 'whys', 'action_items']);
    for (const f of out.files) expect(existsSync(f.path)).toBe(true);

    const inc = incidentDetailSchema.parse(ok(await cli('show', 'INC-1', '--json')).json());
    const model = postmortemModelSchema.parse(JSON.parse(readFileSync(join(dir, 'pm', 'INC-1-post-mortem.json'), 'utf8')));
    // Durations are the record's own timestamps.
    const detection = inc.timeline.find((e) => e.text === 'Error-rate alert fired')!;
    expect(model.durations.impactStartAt).toBe(detection.at);
    expect(model.durations.ttd.ms).toBe(Date.parse(inc.declaredAt) - Date.parse(detection.at));
    expect(model.durations.tta.ms).toBe(Date.parse(inc.acknowledgedAt!) - Date.parse(inc.declaredAt));
    expect(model.durations.ttm.ms).toBe(Date.parse(inc.mitigatedAt!) - Date.parse(inc.declaredAt));
    expect(model.durations.ttr.ms).toBe(Date.parse(inc.resolvedAt!) - Date.parse(inc.declaredAt));
    expect(model.postmortem.dueAt).toBe(new Date(Date.parse(inc.resolvedAt!) + 48 * 3_600_000).toISOString());
    expect(out.dueAt).toBe(model.postmortem.dueAt);
    // Timeline: every entry, in time order, with its phase.
    expect(model.timeline).toHaveLength(inc.timeline.length);
    expect(model.timeline.map((r) => r.at)).toEqual([...inc.timeline.map((e) => e.at)].sort());
    expect(model.timeline[0].text).toBe('Error-rate alert fired');
    expect(model.timeline.at(-1)).toMatchObject({ kind: 'status_change', phase: 'resolution' });
    expect(model.timeline.find((r) => r.kind === 'finding')!.phase).toBe('investigation');
    expect(model.timeline.find((r) => r.text.startsWith('Status investigating → mitigating'))!.phase).toBe('mitigation');
    expect(model.incident).toMatchObject({ severity: 'SEV1', peakSeverity: 'SEV1', services: ['checkout'], roles: { commander: 'alice' } });
    expect(model.severityChanges).toMatchObject([{ from: 'SEV2', to: 'SEV1', reason: 'all users affected' }]);
    expect(model.findings.map((f) => f.text)).toEqual(['Connection pool at 100/100 | pgbouncer saturated']);

    const md = readFileSync(join(dir, 'pm', 'INC-1-post-mortem.md'), 'utf8');
    const order = [
      '## Summary',
      '### Impact',
      '### Severity changes',
      '### Triage findings',
      '## Timeline',
      '## Root cause',
      '### Five Whys',
      '## Contributing factors',
      '## What went well',
      '## What could be improved',
      '## Action items',
    ];
    const positions = order.map((h) => md.indexOf(`\n${h}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(md).toContain('| Incident commander | alice |');
    expect(md).toContain(`| Time to resolve (TTR) | ${model.durations.ttr.text} |`);
    expect(md).toContain('> ✍️ **To write:** The fundamental reason');
    expect(md).toContain('Connection pool at 100/100 \\| pgbouncer saturated');
    expect(md).not.toContain('<script>');
  });

  it('refuses an unresolved or missing incident with a clear error', async () => {
    ok(await cli('declare', 'Still burning', '-s', 'SEV3'));
    const open = await cli('postmortem', 'INC-2', '--output-dir', 'pm2');
    expect(open.code).toBe(1);
    expect(open.stderr).toContain('INC-2 is investigating, not resolved');
    expect(open.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'pm2'))).toBe(false);
    const missing = await cli('postmortem', 'INC-99', '--json');
    expect(missing.code).toBe(1);
    expect(missing.json<{ error: { code: string } }>().error.code).toBe('NOT_FOUND');
    const badFormat = await cli('postmortem', 'INC-1', '--format', 'docx', '--json');
    expect(badFormat.code).toBe(2);
    expect(badFormat.json<{ error: { field: string } }>().error.field).toBe('format');
  });

  it('edits sections, warns on blaming language, tracks action items and publishes', async () => {
    writeFileSync(
      join(dir, 'rc.md'),
      `Bob forgot to release the connections. ${EVIL}\n\nThe new endpoint opened sessions without a context manager.`,
    );
    const set = ok(await cli('postmortem', 'INC-1', 'set', 'root-cause', '--file', 'rc.md'));
    expect(set.stderr).toContain('Blameless check');
    expect(set.stderr).toContain('"Bob forgot to release the connections."');
    const cf = editResultSchema.parse(
      ok(await cli('postmortem', 'INC-1', 'set', 'contributing-factors', 'No alert on pool saturation.', '--json')).json(),
    );
    expect(cf.warnings).toEqual([]);
    expect(cf.postmortem.sections.contributing_factors).toBe('No alert on pool saturation.');
    const why = editResultSchema.parse(
      ok(
        await cli('postmortem', 'INC-1', 'add-why', 'Why did users see 500 errors?', 'Because database connections timed out.', '--json'),
      ).json(),
    );
    expect(why.postmortem.whys).toHaveLength(1);
    ok(await cli('postmortem', 'INC-1', 'add-why', 'Why did connections time out?', 'Because the pool was exhausted.'));

    const unknown = await cli('postmortem', 'INC-1', 'set', 'lessons', 'x', '--json');
    expect(unknown.code).toBe(2);
    expect(unknown.json<{ error: { field: string } }>().error.field).toBe('section');

    // A full review needs an action item before review.
    const early = await cli('postmortem', 'INC-1', 'submit');
    expect(early.code).toBe(1);
    expect(early.stderr).toContain('needs an action item');

    const past = await cli('action', 'add', 'INC-1', 'Add alert', '--owner', 'carol', '--due', '2020-01-01', '--json');
    expect(past.code).toBe(2);
    expect(past.json<{ error: { field: string; message: string } }>().error).toMatchObject({ field: 'due' });
    const noIncident = await cli('action', 'add', 'INC-42', 'Add alert', '--owner', 'carol', '--due', future);
    expect(noIncident.code).toBe(1);
    expect(noIncident.stderr).toContain('INC-42 not found');
    const a1 = actionItemSchema.parse(
      ok(
        await cli(
          'action',
          'add',
          'INC-1',
          'Add pool-exhaustion alert',
          '--owner',
          'carol',
          '--due',
          future,
          '--kind',
          'monitoring',
          '--json',
        ),
      ).json(),
    );
    expect(a1).toMatchObject({ incidentId: 'INC-1', kind: 'monitoring', owner: 'carol', dueDate: future, status: 'open', overdue: false });
    const a2 = actionItemSchema.parse(
      ok(
        await cli('action', 'add', 'INC-1', 'Release sessions with a context manager', '--owner', 'dave', '--due', future, '--json'),
      ).json(),
    );
    expect(a2.kind).toBe('fix');
    const byOwner = ok(await cli('action', 'list', '--owner', 'carol', '--json')).json<{ actionItems: unknown[] }>();
    expect(byOwner.actionItems.map((x) => actionItemSchema.parse(x).id)).toEqual([a1.id]);
    expect(ok(await cli('action', 'list', '--overdue', '--json')).json<{ actionItems: unknown[] }>().actionItems).toEqual([]);

    ok(await cli('postmortem', 'INC-1', 'submit'));
    const late = await cli('postmortem', 'INC-1', 'submit');
    expect(late.code).toBe(1);
    const pub = editResultSchema.extend({}).parse(ok(await cli('postmortem', 'INC-1', 'publish', '--json')).json());
    expect(pub.postmortem).toMatchObject({ state: 'published', publishedBy: 'alice' });
    const frozen = await cli('postmortem', 'INC-1', 'set', 'summary', 'late');
    expect(frozen.code).toBe(1);
    expect(frozen.stderr).toContain('published');

    // The publication is on the incident's timeline.
    const inc = incidentDetailSchema.parse(ok(await cli('show', 'INC-1', '--json')).json());
    expect(inc.timeline.at(-1)!.text).toMatch(/^Post-mortem published by alice \(on time\); 2 action items$/);

    const done = actionItemSchema.parse(ok(await cli('action', 'done', String(a1.id), '--json')).json());
    expect(done).toMatchObject({ status: 'done', doneBy: 'alice' });
    const again = await cli('action', 'done', String(a1.id), '--json');
    expect(again.code).toBe(1);
    expect(again.json<{ error: { code: string } }>().error.code).toBe('CONFLICT');
    expect(
      ok(await cli('action', 'list', '--json'))
        .json<{ actionItems: { id: number }[] }>()
        .actionItems.map((x) => x.id),
    ).toEqual([a2.id]);
    expect(ok(await cli('action', 'list', '--all', '--json')).json<{ actionItems: unknown[] }>().actionItems).toHaveLength(2);

    const shown = postmortemModelSchema.parse(ok(await cli('postmortem', 'INC-1', 'show', '--json')).json());
    expect(shown.postmortem.state).toBe('published');
    expect(shown.whys.map((w) => w.because)).toEqual(['Because database connections timed out.', 'Because the pool was exhausted.']);
    expect(shown.warnings.map((w) => w.field)).toEqual(['root_cause']);
    expect(shown.sections.find((s) => s.key === 'root_cause')!.content).toContain('context manager');

    const list = ok(await cli('postmortem', 'list', '--json')).json<{ postmortems: { incidentId: string; state: string }[] }>();
    expect(list.postmortems).toEqual([expect.objectContaining({ incidentId: 'INC-1', state: 'published', overdue: false })]);
  });

  it('renders the HTML in headless Chromium without console errors and without running injected script', async () => {
    ok(await cli('postmortem', 'INC-1', '--format', 'html', '--output-dir', 'pm'));
    const browser: Browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file:')) problems.push(`external request ${r.url()}`);
      });
      await page.goto(pathToFileURL(join(dir, 'pm', 'INC-1-post-mortem.html')).href);
      expect(await page.title()).toContain('Checkout down <script>');
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
      expect(await page.locator('h1').innerText()).toContain('<img src=x');
      expect(await page.locator('section#timeline tbody tr').count()).toBe(8);
      expect(await page.locator('#blameless-warnings').innerText()).toContain('Bob forgot');
      expect(await page.locator('[data-state]').innerText()).toBe('published');
      expect(await page.locator('#action-items tbody tr').count()).toBe(2);
      const pdf = await page.pdf({ format: 'A4' });
      expect(pdf.subarray(0, 4).toString()).toBe('%PDF');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('prints a PDF with Chromium and says clearly when Chromium is missing', async () => {
    const r = ok(await cli('postmortem', 'INC-1', '--format', 'pdf', '--output-dir', 'pdf', '--json'));
    const file = r.json<{ files: { format: string; path: string; bytes: number }[] }>().files[0];
    expect(file.format).toBe('pdf');
    expect(readFileSync(file.path).subarray(0, 5).toString()).toBe('%PDF-');
    const missing = await runCli(['postmortem', 'INC-1', '--format', 'md,pdf', '--output-dir', 'nopdf'], {
      cwd: dir,
      env: { WARROOM_CHROMIUM: '/nonexistent/chromium' },
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('PDF needs Chromium, which is not installed');
    // The other formats were still written.
    expect(existsSync(join(dir, 'nopdf', 'INC-1-post-mortem.md'))).toBe(true);
  });

  it('uses a team template from config, and names the key when it is broken', async () => {
    const cfgDir = tempDir('warroom-pm-cfg-');
    try {
      writeFileSync(
        join(cfgDir, 'ours.md'),
        '# {{title}} / {{incidentId}}\nTTR={{ttr}}\n{{#root_cause}}{{^hasContent}}TODO: {{prompt}}{{/hasContent}}{{/root_cause}}\n',
      );
      writeFileSync(join(cfgDir, 'warroom.yaml'), 'postmortem:\n  template: ours.md\n  due_after: 24h\n');
      const env = { WARROOM_USER: 'alice', WARROOM_CONFIG: join(cfgDir, 'warroom.yaml') };
      ok(await runCli(['declare', 'Cache stampede', '-s', 'SEV2'], { cwd: cfgDir, env }));
      ok(await runCli(['resolve', 'INC-1'], { cwd: cfgDir, env }));
      const r = ok(await runCli(['postmortem', 'INC-1', '--output-dir', 'out', '--json'], { cwd: cfgDir, env }));
      const out = r.json<{ template: string; dueAt: string }>();
      expect(out.template).toBe(join(cfgDir, 'ours.md'));
      const md = readFileSync(join(cfgDir, 'out', 'INC-1-post-mortem.md'), 'utf8');
      expect(md).toMatch(/^# Cache stampede \/ INC-1\nTTR=\d+s\nTODO: The fundamental reason/);
      const inc = incidentDetailSchema.parse(ok(await runCli(['show', 'INC-1', '--json'], { cwd: cfgDir, env })).json());
      expect(out.dueAt).toBe(new Date(Date.parse(inc.resolvedAt!) + 24 * 3_600_000).toISOString());
      writeFileSync(join(cfgDir, 'warroom.yaml'), 'postmortem:\n  template: missing.md\n');
      const broken = await runCli(['postmortem', 'INC-1', '--json'], { cwd: cfgDir, env });
      expect(broken.code).toBe(2);
      expect(broken.json<{ error: { field: string } }>().error.field).toBe('postmortem.template');
    } finally {
      rmSync(cfgDir, { recursive: true, force: true });
    }
  });
});

describe('warroom report (standalone)', { timeout: 120_000 }, () => {
  it("writes the seed's report with the same sections, no store needed", async () => {
    const r = ok(
      await cli(
        'report',
        '--title',
        'Database connection pool exhaustion',
        '--severity',
        'SEV2',
        '--start-time',
        '2024-01-15T14:30:00Z',
        '--end-time',
        '2024-01-15T15:15:00Z',
        '--output-dir',
        'reports',
        '--format',
        'md,json',
        '--json',
      ),
    );
    const out = r.json<{
      severity: string;
      level: string;
      duration: { ms: number; text: string };
      files: { format: string; path: string }[];
    }>();
    expect(out).toMatchObject({ severity: 'SEV2', level: 'full', duration: { ms: 45 * 60_000, text: '45m 00s' } });
    expect(out.files.map((f) => f.path)).toEqual([
      join(dir, 'reports', '2024-01-15-database-connection-pool-exhaustion.md'),
      join(dir, 'reports', '2024-01-15-database-connection-pool-exhaustion.json'),
    ]);
    const md = readFileSync(out.files[0].path, 'utf8');
    for (const h of [
      '## Summary',
      '## Timeline',
      '## Root cause',
      '### Five Whys',
      '## Contributing factors',
      '## What went well',
      '## What could be improved',
      '## Action items',
    ])
      expect(md).toContain(`\n${h}\n`);
    expect(md).toContain('| 2024-01-15 14:30 UTC | T+0s | detection |');
    expect(md).toContain('| 2024-01-15 15:15 UTC | T+45m 00s | resolution |');
  });

  it('names the field for bad input', async () => {
    const base = ['report', '--title', 'X', '--output-dir', 'r2', '--json'];
    const cases: [string[], string][] = [
      [['--severity', 'SEV2', '--start-time', '2024-01-15T15:00:00Z', '--end-time', '2024-01-15T14:00:00Z'], 'end_time'],
      [['--severity', 'SEV9', '--start-time', '2024-01-15T14:00:00Z', '--end-time', '2024-01-15T15:00:00Z'], 'severity'],
      [['--severity', 'SEV2', '--start-time', 'yesterday-ish', '--end-time', '2024-01-15T15:00:00Z'], 'start_time'],
      [['--severity', 'SEV2', '--end-time', '2024-01-15T15:00:00Z'], 'start_time'],
    ];
    for (const [args, field] of cases) {
      const r = await cli(...base, ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.json<{ error: { field: string } }>().error.field).toBe(field);
    }
    expect(existsSync(join(dir, 'r2'))).toBe(false);
  });
});

describe('warroom stats', { timeout: 120_000 }, () => {
  it('reports the figures for the window as documented JSON', async () => {
    const s = statsSchema.parse(ok(await cli('stats', '--since', '30d', '--json')).json());
    expect(s.incidents.total).toBe(2);
    expect(s.incidents.bySeverity).toEqual({ SEV1: 1, SEV2: 0, SEV3: 1, SEV4: 0 });
    expect(s.incidents.byService).toEqual({ checkout: 1 });
    expect(s.incidents.open).toBe(1);
    expect(s.timeToResolve.SEV1.count).toBe(1);
    expect(s.postmortems.byState).toEqual({ none: 1, draft: 0, in_review: 0, published: 1 });
    expect(s.postmortems.onTime).toEqual({ total: 1, met: 1, percent: 100 });
    expect(s.actionItems).toEqual({ open: 1, overdue: 0, done: 1 });
    const bad = await cli('stats', '--since', 'forever', '--json');
    expect(bad.code).toBe(2);
    expect(bad.json<{ error: { field: string } }>().error.field).toBe('since');
  });
});
