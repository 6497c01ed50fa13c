import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { knownKeysAt, parseConfigText, parseConfigWithLines, suggestKey } from './load-config.js';
import { configSchema } from './schema.js';

// parseConfigText reads a file with js-yaml and falls back to `yaml` (which knows lines) when
// anything is wrong; both readers must agree on every valid file.
const starter = readFileSync(join(import.meta.dirname, '../../templates/warroom.yaml'), 'utf8');

const agree = (text: string, env: NodeJS.ProcessEnv = {}) => {
  const quick = parseConfigText(text, env);
  expect(quick).toEqual(parseConfigWithLines(text, env));
  return quick;
};

describe('the two YAML readers', () => {
  it('agree on the starter config and on scalars the YAML 1.2 core schema reads', () => {
    agree(starter);
    const { config } = agree(
      [
        'organization: "Acme"',
        'server: { port: 0o17, host: 127.0.0.1 }',
        'services:',
        '  api:',
        '    description: >',
        '      folded',
        '      text',
        '    health:',
        '      url: "http://127.0.0.1:8000/ready"',
        '      expect_status: [200, 204]',
        '      expect_json: { a: 0b101, b: 1_000, c: 0x1F, d: -0x1F, e: .5, f: -1.5e3, g: ~, h: yes, i: 2024-01-01, j: "12", k: +12, l: 007, m: True, n: NULL, o: 1., p: 0o8 }',
        '    timeout: 2s',
        '    tcp: 127.0.0.1:5432',
        '  db: { postgres: "postgres://${PGUSER:-app}@127.0.0.1:5432/${PGDB}", depends_on: [] }',
        '',
      ].join('\n'),
      { PGDB: 'main' },
    );
    // The values `yaml` gives (js-yaml's own schema reads 0b101 and -0x1F as numbers).
    expect(config!.server!.port).toBe(15);
    expect(config!.services!.db.postgres).toBe('postgres://app@127.0.0.1:5432/main');
    expect(config!.services!.api.health).toMatchObject({
      expect_json: {
        a: '0b101',
        b: '1_000',
        c: 31,
        d: '-0x1F',
        e: 0.5,
        f: -1500,
        g: null,
        h: 'yes',
        i: '2024-01-01',
        j: '12',
        k: 12,
        l: 7,
        m: true,
        n: null,
        o: 1,
        p: '0o8',
      },
    });
  });

  it('agree on 500 files of random scalars and keys', () => {
    const scalars = [
      'a',
      'x y',
      '"q"',
      "'it''s'",
      '1',
      '-1',
      '+1',
      '01',
      '0o17',
      '0o8',
      '0x1f',
      '-0x1',
      '0b1',
      '1_0',
      '1.5',
      '.5',
      '-.5',
      '1.',
      '1e3',
      '1E-3',
      '.inf',
      '-.Inf',
      '.nan',
      'nan',
      '~',
      'null',
      'Null',
      'nUll',
      'true',
      'TRUE',
      'tRue',
      'no',
      'on',
      '2024-01-01',
      '12:30',
      '"${X}"',
      '${X:-d}',
      'http://h:1/p?q=1#f',
      'a #c',
      '""',
      '"\\t\\u00e9"',
      '=',
      '<<',
      'a:b',
      '"a:b"',
      'é 中',
      '-0',
      '1.2.3',
      '"multi\n          line"',
      '>\n          folded\n          text',
    ];
    const keys = ['k', 'true', '1', '1.50', '0x1F', '"null"', "'~'", 'a b', 'K', '<<', 'on', 'y', '"a:b"', '-1'];
    let seed = 42;
    const next = () => (seed = (seed * 48271) % 2147483647);
    for (let i = 0; i < 500; i++) {
      const ks = [...keys].sort(() => (next() % 3) - 1).slice(0, 5);
      const entries = ks.map((k) => `        ${k}: ${scalars[next() % scalars.length]}`);
      agree(`services:\n  s:\n    health:\n      url: http://127.0.0.1:1/\n      expect_json:\n${entries.join('\n')}\n`, { X: 'x' });
    }
  });

  it('agree on problems: `yaml` reports them, with their lines', () => {
    for (const text of [
      'services:\n  db:\n    postgres: ${NOPE}\n',
      'services:\n  api:\n    health: http://x/\n  api:\n    tcp: x:1\n',
      'services:\n  api:\n    helth: http://x/\n',
      'services: [unclosed\n',
      'services:\n  api:\n    health: http://x/\n    depends_on: [nothing]\n',
      'just a string\n',
    ])
      expect(agree(text).problems.length).toBeGreaterThan(0);
    expect(parseConfigText('services:\n  api:\n    helth: http://x/\n').problems[0]).toMatchObject({
      path: 'services.api.helth',
      message: 'unknown key (did you mean "health"?)',
      line: 3,
    });
  });

  it('leave anchors, aliases, tags and directives to `yaml`', () => {
    const { config } = agree(
      'x: &probe { url: "http://127.0.0.1:1/" }\n'.replace('x:', 'services:\n  a:\n    health:') + '  b:\n    health: *probe\n',
    );
    expect(config!.services!.b.health).toEqual({ url: 'http://127.0.0.1:1/' });
    expect(agree('organization: !!str 12\n').config!.organization).toBe('12');
    expect(agree('%YAML 1.2\n---\norganization: x\n').config!.organization).toBe('x');
  });

  it('is empty for an empty file', () => {
    expect(agree('').config).toEqual({});
    expect(agree('# nothing yet\n').config).toEqual({});
  });
});

describe('unknown keys', () => {
  it('are reported in one pass with invalid values and the checks of a valid config, each with its line', () => {
    const text = [
      'orgnization: Acme', // 1
      'services:', // 2
      '  api:', // 3
      '    helth: http://x/', // 4
      '    health:', // 5
      '      url: http://x/', // 6
      '      expect_statu: [200]', // 7
      '    depends_on: [ghost]', // 8
      '  db:', // 9
      '    timeout: soon', // 10
      '',
    ].join('\n');
    const { config, problems, withoutUnknownKeys } = parseConfigText(text, {});
    expect(config).toBeNull();
    expect(withoutUnknownKeys).toBeUndefined();
    expect(problems.map((p) => [p.path, p.message, p.line])).toEqual([
      ['orgnization', 'unknown key (did you mean "organization"?)', 1],
      ['services.api.helth', 'unknown key (did you mean "health"?)', 4],
      ['services.api.health.expect_statu', 'unknown key (did you mean "expect_status"?)', 7],
      ['services.db.timeout', expect.stringMatching(/cannot read "soon" as a duration/), 10],
    ]);
    // Once the values are valid, the checks that need a valid config come in the same pass.
    const deps = parseConfigText(text.replace('timeout: soon', 'timeout: 5s'), {});
    expect(deps.problems.map((p) => p.path)).toEqual([
      'orgnization',
      'services.api.helth',
      'services.api.health.expect_statu',
      'services.api.depends_on.0',
    ]);
  });

  it('alone leave a config without them, for read-only commands', () => {
    const r = parseConfigText('services:\n  api:\n    helth: http://x/\n    tcp: 127.0.0.1:1\n  zzz_unrelated: {}\n', {});
    expect(r.config).toBeNull();
    expect(r.problems).toEqual([
      { path: 'services.api.helth', message: 'unknown key (did you mean "health"?)', line: 3, unknownKey: true, suggestion: 'health' },
    ]);
    expect(r.withoutUnknownKeys?.services).toEqual({ api: { tcp: ['127.0.0.1:1'] }, zzz_unrelated: {} });
  });

  it('suggest a close known key at the same level, or none', () => {
    expect(knownKeysAt(configSchema, ['services', 'api'])).toContain('depends_on');
    expect(knownKeysAt(configSchema, ['services', 'api', 'health'])).toContain('expect_json');
    expect(knownKeysAt(configSchema, ['runbooks', 'r', 'steps', '0'])).toContain('continue_on_error');
    expect(suggestKey('helth', ['health', 'tcp'])).toBe('health');
    expect(suggestKey('depends', ['depends_on', 'dns'])).toBe('depends_on');
    expect(suggestKey('Redis', ['redis'])).toBe('redis');
    expect(suggestKey('colour', ['health', 'tcp', 'dns', 'tls'])).toBeUndefined();
    expect(parseConfigText('services:\n  api:\n    colour: blue\n', {}).problems[0].message).toBe('unknown key');
  });
});
