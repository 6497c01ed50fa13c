import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, tempDir } from '../helpers/cli.js';
import { startReceiver, type Receiver } from './receivers.js';
import { WEBHOOK_SECRET } from './fixtures.js';

// Spawns the built binary: run "npm run build" first.
// Each test spawns the binary several times: on a loaded two-core machine that takes tens of seconds.
describe('CLI: update, outbox, contacts, delivery before exit (embedded store, no server)', { timeout: 120_000 }, () => {
  let hook: Receiver;
  let dir: string;
  beforeAll(async () => {
    hook = await startReceiver('webhook', { secret: WEBHOOK_SECRET });
    dir = tempDir();
    writeFileSync(
      join(dir, 'warroom.yaml'),
      `
organization: Acme
services:
  checkout: { team: payments }
contacts:
  default_team: payments
  teams:
    payments:
      rotation: { members: [alice, bob], start: "2026-01-05T09:00:00Z", every: 1w }
      manager: carol
  people:
    alice: { email: alice@example.com }
    bob: { email: bob@example.com }
    carol: {}
channels:
  webhook:
    url: ${hook.url}/hook
    secret: \${HOOK_SECRET}
coordination:
  retry_base: 50ms
  # Backoff reaches 1 s quickly, so a failing receiver cannot use up all attempts within cli_wait on a fast machine.
  retry_max: 1s
  send_timeout: 500ms
  cli_wait: 1s
`,
    );
  });
  afterAll(async () => {
    await hook.close();
  });

  const cli = (args: string[]) => runCli(args, { cwd: dir, env: { HOOK_SECRET: WEBHOOK_SECRET } });

  it('declare and update deliver before the command exits; --json has the delivery report', async () => {
    const d = await cli(['declare', 'Checkout failing', '-s', 'SEV2', '--service', 'checkout']);
    expect(d.code).toBe(0);
    expect(d.stderr).toContain('Delivered 1 message: webhook');
    expect(hook.received.map((r) => r.json.type)).toEqual(['declared']);
    expect(hook.received[0].problems).toEqual([]);

    const u = await cli(['update', 'INC-1', '--status', 'identified', '--findings', 'bad deploy', '--actions', 'rolling back', '--json']);
    expect(u.code).toBe(0);
    const j = u.json<{
      incident: { id: string; status: string; derived: { nextUpdateDueAt: string } };
      entries: { kind: string }[];
      delivery: { sent: { channel: string; kind: string; status: string }[]; queued: unknown[]; dead: unknown[] };
    }>();
    expect(j.incident).toMatchObject({ id: 'INC-1', status: 'identified' });
    expect(j.entries.map((e) => e.kind)).toEqual(['status_change', 'update']);
    expect(j.delivery.sent).toEqual([expect.objectContaining({ channel: 'webhook', kind: 'update', status: 'sent' })]);
    expect(j.delivery.queued).toEqual([]);
    expect(hook.received.at(-1)!.json.text).toContain('Current findings: bad deploy');
    for (const out of [d.stdout, d.stderr, u.stdout, u.stderr]) expect(out).not.toContain(WEBHOOK_SECRET);
  });

  it('--dry-run prints what would be sent where and sends nothing', async () => {
    const before = hook.received.length;
    const r = await cli(['update', 'INC-1', '--findings', 'f', '--actions', 'a', '--public', 'slow checkout', '--dry-run', '--json']);
    expect(r.code).toBe(0);
    const j = r.json<{
      dryRun: boolean;
      messages: { channel: string; target: string; kind: string; text: string }[];
      statusPage: { state: string; text: string }[];
      nextUpdateDueAt: string;
    }>();
    expect(j.dryRun).toBe(true);
    expect(j.messages).toEqual([expect.objectContaining({ channel: 'webhook', target: 'webhook', kind: 'update' })]);
    expect(j.messages[0].text).toContain('INCIDENT UPDATE: Checkout failing');
    expect(j.statusPage[0]).toMatchObject({ state: 'identified' });
    expect(j.statusPage[0].text).toContain('The issue has been identified as slow checkout.');
    const text = await cli(['update', 'INC-1', '--findings', 'f', '--actions', 'a', '--dry-run']);
    expect(text.stdout).toContain('Dry run: nothing was written or sent.');
    expect(text.stdout).toContain('→ webhook (update)');
    expect(hook.received.length).toBe(before);
  });

  it('a failing channel: the command reports what is queued; outbox lists it; retry delivers it', async () => {
    hook.behave(() => 'error500');
    const r = await cli(['update', 'INC-1', '--findings', 'still bad', '--actions', 'escalating']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Queued #\d+ webhook: webhook answered HTTP 500/);
    const list = await cli(['outbox', '--json']);
    const l = list.json<{
      counts: { pending: number; sent: number; dead: number };
      items: { id: number; status: string; channel: string; lastError: string; attempts: number }[];
    }>();
    expect(l.counts.pending).toBe(1);
    expect(l.items[0]).toMatchObject({ status: 'pending', channel: 'webhook' });
    expect(l.items[0].attempts).toBeGreaterThanOrEqual(1);
    hook.behave(() => 'ok');
    const retry = await cli(['outbox', 'retry', String(l.items[0].id), '--json']);
    expect(retry.code).toBe(0);
    expect(retry.json()).toMatchObject({ id: l.items[0].id, status: 'sent' });
    expect(hook.received.at(-1)!.json.text).toContain('Current findings: still bad');
    const again = await cli(['outbox', 'retry', String(l.items[0].id)]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('not sent twice');
    const human = await cli(['outbox', '--status', 'all']);
    expect(human.stdout).toMatch(/Outbox: 0 pending, 0 dead, \d+ sent/);
  });

  it('contacts: who is paged right now, from the rotation', async () => {
    const r = await cli(['contacts', '--severity', 'SEV1', '--json']);
    expect(r.code).toBe(0);
    const j = r.json<{
      teams: {
        team: string;
        oncall: { person: string; until: string };
        severities: { severity: string; targets: { person: string; action: string; role: string }[] }[];
      }[];
      channels: string[];
    }>();
    const expected = Math.floor((Date.now() - Date.parse('2026-01-05T09:00:00Z')) / (7 * 86400_000)) % 2 === 0 ? 'alice' : 'bob';
    expect(j.teams[0].oncall.person).toBe(expected);
    expect(j.teams[0].severities[0].targets.map((t) => [t.person, t.action, t.role])).toEqual([
      [expected, 'page', 'oncall'],
      ['carol', 'page', 'manager'],
    ]);
    expect(j.channels).toEqual(['webhook']);
    const text = await cli(['contacts']);
    expect(text.stdout).toContain('Team payments');
    expect(text.stdout).toContain('SEV4 — Create ticket, address during normal working hours');
  });

  it('errors: missing --findings, unknown status, a template with a missing field at config check', async () => {
    const a = await cli(['update', 'INC-1', '--actions', 'x']);
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('--findings is required');
    const b = await cli(['update', 'INC-1', '--findings', 'x', '--actions', 'y', '--status', 'done', '--json']);
    expect(b.code).toBe(2);
    expect(b.json()).toMatchObject({ error: { code: 'VALIDATION', field: 'status' } });
    const bad = tempDir();
    writeFileSync(join(bad, 'warroom.yaml'), 'templates:\n  ic_update: "INCIDENT UPDATE: {{titel}}"\nchannels:\n  slack: {}\n');
    const c = await runCli(['config', 'check'], { cwd: bad });
    expect(c.code).toBe(1);
    expect(c.stderr).toContain('templates.ic_update: unknown field {{titel}}');
    expect(c.stderr).toMatch(/templates\.ic_update: .*line 2/);
    expect(c.stderr).toMatch(/channels\.slack: slack needs webhook_url or bot_token, line 4/);
    const none = await runCli(['contacts'], { cwd: bad });
    expect(none.code).toBe(2);
    const unknownTeam = tempDir();
    writeFileSync(
      join(unknownTeam, 'warroom.yaml'),
      'services:\n  api: { team: platfrom }\ncontacts:\n  teams:\n    platform: { oncall: alice }\n',
    );
    const e = await runCli(['config', 'check', '--json'], { cwd: unknownTeam });
    expect(e.json<{ valid: boolean; problems: { path: string; message: string; line: number }[] }>().problems).toEqual([
      { path: 'services.api.team', message: 'unknown team "platfrom" (contacts.teams: platform)', line: 2 },
    ]);
  });
});
