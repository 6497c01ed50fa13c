import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load-config.js';

const starter = readFileSync(join(import.meta.dirname, '../../templates/warroom.yaml'), 'utf8');
const env = {
  SLACK_BOT_TOKEN: 'xoxb-test',
  PD_ROUTING_KEY: 'a'.repeat(32),
  TEAMS_WEBHOOK: 'https://teams.example.com/hook',
  WARROOM_HOOK_SECRET: 's'.repeat(20),
  SMTP_PASSWORD: 'pw',
  DATABASE_URL: 'postgres://u@127.0.0.1/db',
};

describe('the starter config written by warroom init', () => {
  it('is valid as shipped', () => {
    expect(parseConfigText(starter, {}).problems).toEqual([]);
  });
  it('stays valid with every commented example switched on', () => {
    const i = starter.indexOf('# ── Triage');
    const examples = starter
      .slice(i)
      .split('\n')
      .filter((l) => l.startsWith('# ') && !l.startsWith('# ──'))
      .map((l) => l.slice(2));
    const { config, problems } = parseConfigText(`${starter.slice(0, i)}\n${examples.join('\n')}\n`, env);
    expect(problems).toEqual([]);
    expect(Object.keys(config!)).toEqual(
      expect.arrayContaining(['services', 'triage', 'contacts', 'channels', 'postmortem', 'remediation', 'runbooks']),
    );
  });
  it('names the key and line of a problem, and substitutes secrets only inside values', () => {
    const { problems } = parseConfigText('services:\n  db:\n    postgres: ${NOPE}\n', {});
    expect(problems[0]).toMatchObject({ path: 'services.db.postgres', line: 3 });
    expect(problems[0].message).toMatch(/NOPE is not set/);
    const injected = parseConfigText('organization: ${ORG}\n', { ORG: 'x\nservices: {evil: {}}' });
    expect(injected.problems).toEqual([]);
    expect(injected.config!.organization).toBe('x\nservices: {evil: {}}');
    expect(injected.config!.services).toBeUndefined();
  });
});
