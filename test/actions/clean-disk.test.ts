import { existsSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runAction } from '../../src/app/run-action.js';
import { configSchema, type WarroomConfig } from '../../src/config/schema.js';
import { expectRefusal } from '../helpers/factories.js';
import { globToRegExp } from '../../src/actions/clean-disk.js';
import { createTempStore, testContext, type TempStore } from '../helpers/store.js';
import { tempDir } from '../helpers/cli.js';
import { actionEntries, newIncident } from './helpers.js';

const NOW = new Date('2026-11-27T12:00:00.000Z');
const DAY = 86_400_000;

function file(path: string, bytes: number, ageDays: number) {
  writeFileSync(path, 'x'.repeat(bytes));
  const t = new Date(NOW.getTime() - ageDays * DAY);
  utimesSync(path, t, t);
}

describe('clean-disk (real files in a temp tree)', () => {
  let ts: TempStore;
  let root: string;
  let logs: string;
  let outside: string;
  let config: WarroomConfig;

  beforeAll(async () => {
    ts = await createTempStore('sqlite');
  });
  beforeEach(() => {
    root = tempDir('wr-clean-');
    logs = join(root, 'var-log-app');
    outside = join(root, 'etc');
    mkdirSync(join(logs, 'archive'), { recursive: true });
    mkdirSync(outside);
    file(join(logs, 'app.log'), 100, 0);
    file(join(logs, 'app.log.1'), 1000, 8);
    file(join(logs, 'old.log'), 3000, 10);
    file(join(logs, 'archive', 'older.log'), 5000, 30);
    file(join(logs, 'keep.conf'), 10, 30);
    file(join(outside, 'passwd.log'), 50, 30);
    // A symlink inside the allowed tree pointing outside it must never be followed.
    symlinkSync(outside, join(logs, 'escape'));
    config = configSchema.parse({ remediation: { clean_disk: { allowed_paths: [logs] } } });
  });
  afterAll(async () => {
    await ts.cleanup();
  });

  it('dry run lists what would go and how much, and removes nothing', async () => {
    const ctx = testContext(ts.store, { config, now: () => NOW });
    const r = await runAction(
      ctx,
      { action: 'clean-disk', options: { path: logs, olderThan: '7d', glob: '*.log' }, dry_run: true },
      { cwd: root },
    );
    expect(r.plan!.facts).toMatchObject({ files: 2, bytes: 8000, glob: '*.log' });
    expect((r.plan!.facts.sample as { path: string }[]).map((s) => s.path)).toEqual([join('archive', 'older.log'), 'old.log']);
    expect(existsSync(join(logs, 'old.log'))).toBe(true);
  });

  it('removes only matching files older than the age inside the allowed path; never follows symlinks', async () => {
    const ctx = testContext(ts.store, { config, now: () => NOW });
    const inc = await newIncident(ctx, 'Disk full');
    const r = await runAction(
      ctx,
      { action: 'clean-disk', options: { path: logs, olderThan: '7d', glob: '*.log*' }, incident: inc, confirm: true },
      { cwd: root },
    );
    expect(r.status).toBe('succeeded');
    expect(r.outcome!.facts).toMatchObject({ removed: 3, freedBytes: 9000 });
    expect(existsSync(join(logs, 'old.log'))).toBe(false);
    expect(existsSync(join(logs, 'app.log.1'))).toBe(false);
    expect(existsSync(join(logs, 'archive', 'older.log'))).toBe(false);
    expect(existsSync(join(logs, 'app.log'))).toBe(true);
    expect(existsSync(join(logs, 'keep.conf'))).toBe(true);
    expect(existsSync(join(outside, 'passwd.log'))).toBe(true);
    expect(existsSync(join(logs, 'escape'))).toBe(true);
    const [entry] = await actionEntries(ctx, inc);
    expect(entry.data).toMatchObject({ action: 'clean-disk', status: 'succeeded', facts: { removed: 3 } });
  });

  it('refuses paths outside the allowed list, including through a symlink and "..", and records the refusal', async () => {
    const ctx = testContext(ts.store, { config, now: () => NOW });
    const inc = await newIncident(ctx);
    for (const path of [outside, join(logs, 'escape'), join(logs, '..', 'etc')]) {
      const e = await expectRefusal(
        runAction(ctx, { action: 'clean-disk', options: { path, olderThan: '1d' }, incident: inc, confirm: true }, { cwd: root }),
      );
      expect(e.code).toBe('FORBIDDEN');
      expect(e.message).toContain('is outside the allowed paths');
    }
    expect(existsSync(join(outside, 'passwd.log'))).toBe(true);
    expect((await actionEntries(ctx, inc)).map((x) => (x.data as { status: string }).status)).toEqual(['refused', 'refused', 'refused']);
  });

  it('is disabled without allowed_paths; bad age, glob and missing path are clear errors', async () => {
    const none = testContext(ts.store, { config: {}, now: () => NOW });
    expect(
      (await expectRefusal(runAction(none, { action: 'clean-disk', options: { path: logs, olderThan: '7d' }, confirm: true }))).message,
    ).toMatch(/no directories are listed in remediation.clean_disk.allowed_paths/);
    const ctx = testContext(ts.store, { config, now: () => NOW });
    expect(
      await expectRefusal(runAction(ctx, { action: 'clean-disk', options: { path: logs, olderThan: 'soon' }, confirm: true })),
    ).toMatchObject({ code: 'VALIDATION', field: 'older-than' });
    expect(
      await expectRefusal(runAction(ctx, { action: 'clean-disk', options: { path: logs, olderThan: '10s' }, confirm: true })),
    ).toMatchObject({ field: 'older-than' });
    expect(
      await expectRefusal(runAction(ctx, { action: 'clean-disk', options: { path: logs, olderThan: '7d', glob: '../*' }, confirm: true })),
    ).toMatchObject({ field: 'glob' });
    expect(
      await expectRefusal(runAction(ctx, { action: 'clean-disk', options: { path: join(logs, 'nope'), olderThan: '7d' }, confirm: true })),
    ).toMatchObject({ code: 'NOT_FOUND' });
    expect(existsSync(join(logs, 'old.log'))).toBe(true);
  });

  it('globs match base names only, literally apart from * ? [..] {..}', () => {
    expect(globToRegExp('*.log').test('a.log')).toBe(true);
    expect(globToRegExp('*.log').test('a.log.1')).toBe(false);
    expect(globToRegExp('*.{log,gz}').test('a.gz')).toBe(true);
    expect(globToRegExp('app-?.log').test('app-1.log')).toBe(true);
    expect(globToRegExp('$(rm).log').test('$(rm).log')).toBe(true);
    expect(globToRegExp('$(rm).log').test('x.log')).toBe(false);
  });
});
