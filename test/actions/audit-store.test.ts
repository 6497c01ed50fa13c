import { describe, expect, it } from 'vitest';
import { listActionRuns, runAction } from '../../src/app/run-action.js';
import { configSchema } from '../../src/config/schema.js';
import { isWarroomError } from '../../src/core/errors.js';
import { createTempStore, DIALECTS, testContext } from '../helpers/store.js';
import { actionEntries, newIncident } from './helpers.js';

const config = configSchema.parse({
  runbooks: {
    hello: { role: 'responder', steps: [{ name: 'say hello', run: [process.execPath, '-e', 'console.log("hello from the runbook")'] }] },
  },
});

describe.each(DIALECTS)('the audit of attempts on %s', (dialect) => {
  it('records a run and a refusal in action_runs and on the timeline', async () => {
    const ts = await createTempStore(dialect);
    try {
      const ctx = testContext(ts.store, { config });
      const inc = await newIncident(ctx);
      const ok = await runAction(ctx, { action: 'hello', incident: inc, confirm: true });
      expect(ok.status).toBe('succeeded');
      const viewer = testContext(ts.store, { config, actor: { name: 'vic', role: 'viewer', via: 'web' } });
      const refused = await runAction(viewer, { action: 'hello', incident: inc, confirm: true }).catch((e: unknown) => e);
      expect(isWarroomError(refused) && refused.code).toBe('FORBIDDEN');
      const runs = await listActionRuns(ctx, inc);
      expect(runs.map((r) => [r.actor, r.status, r.exitCode])).toEqual([
        ['tester', 'succeeded', 0],
        ['vic', 'refused', null],
      ]);
      expect(runs[0].data).toMatchObject({ output: '── step 1/1: say hello\nhello from the runbook' });
      expect(runs[0].id).toBe(ok.runId);
      const entries = await actionEntries(ctx, inc);
      expect(entries.map((e) => e.author)).toEqual(['tester', 'vic']);
      expect(entries[1].text).toBe('hello: refused — running hello needs the responder role; vic has viewer');
    } finally {
      await ts.cleanup();
    }
  });
});
