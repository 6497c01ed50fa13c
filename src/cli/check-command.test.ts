import { describe, expect, it } from 'vitest';
import { checkWarroomCommands } from './check-command.js';

/** The one command in the text, checked. */
function one(text: string) {
  const found = checkWarroomCommands(text);
  expect(found, `commands found in ${JSON.stringify(text)}`).toHaveLength(1);
  return found[0];
}

describe('checkWarroomCommands: commands the CLI accepts', () => {
  it.each([
    'warroom run restart --service backend',
    'warroom run kill-query --service db --pid 24546',
    'warroom diagnose postgres db',
    'warroom run flush-keys --service cache --pattern "feed:*"',
    "warroom run flush-keys --service cache --pattern 'feed:*'",
    'warroom list --json',
    'warroom --json list',
    'warroom deploy record --service api --version 1.2.3',
    'warroom note INC-1 "db failed over" --kind finding',
    'warroom triage --help',
    'warroom triage --postgres postgres://u@h/db',
    'warroom triage --redis redis://127.0.0.1:6379 --tcp 127.0.0.1:8000 --logs app.log --logs worker.log --json',
    'warroom --version',
  ])('%s', (cmd) => {
    expect(one(cmd)).toEqual({ command: cmd, ok: true });
  });
});

describe('checkWarroomCommands: commands the CLI rejects', () => {
  it.each([
    ['warroom run restart backend', /too many arguments for 'run'/],
    ['warroom run kill-query 24546', /too many arguments for 'run'/],
    ['warroom logs backend --since 15m --level error', /unknown command 'backend'/],
    ['warroom bogus', /unknown command 'bogus'/],
    ['warroom list --bogus', /unknown option '--bogus'/],
    ['warroom show', /missing required argument 'id'/],
    ['warroom declare "disk full"', /required option '-s, --severity <sev>' not specified/],
    ['warroom run restart --service', /option '--service <name>' argument missing/],
    ['warroom note INC-1 text --kind bogus', /Allowed choices are note, finding/],
    ['warroom outbox list --channel pager', /Allowed choices are slack/],
    ['warroom run flush-keys --service cache --pattern feed:*', /unquoted glob feed:\*/],
    ['warroom run restart --service $SERVICE', /shell variable \$SERVICE/],
    ['warroom logs analyze app.log | head', /shell operator \|/],
    ['warroom health && warroom list', /shell operator &&/],
    ['warroom user', /^missing subcommand: warroom user add\|list\|remove$/],
    ['warroom deploy --json', /^missing subcommand: warroom deploy record\|list$/],
    ['warroom declare "never closed -s SEV1', /unterminated double quote/],
  ])('%s', (cmd, error) => {
    const r = one(cmd);
    expect(r.command).toBe(cmd);
    expect(r.ok).toBe(false);
    expect(r.error).toMatch(error);
  });
});

describe('checkWarroomCommands: finding the commands in a text', () => {
  it('ends a command at an unquoted parenthesis: prose may follow in parentheses', () => {
    expect(
      checkWarroomCommands(
        'Terminate the root blocker: warroom run kill-query --service db --pid 4242 (add --force for a superuser session)',
      ),
    ).toEqual([{ command: 'warroom run kill-query --service db --pid 4242', ok: true }]);
  });

  it('ends a command at the quote, backtick or parenthesis that encloses it, or at a semicolon', () => {
    expect(checkWarroomCommands('Fix db first ("warroom diagnose app db"); api should recover with it')).toEqual([
      { command: 'warroom diagnose app db', ok: true },
    ]);
    expect(checkWarroomCommands('run `warroom health --service api` then (warroom list --all)')).toEqual([
      { command: 'warroom health --service api', ok: true },
      { command: 'warroom list --all', ok: true },
    ]);
    expect(checkWarroomCommands('warroom health; warroom run restart api')).toEqual([
      { command: 'warroom health', ok: true },
      { command: 'warroom run restart api', ok: false, error: expect.stringMatching(/too many arguments/) },
    ]);
  });

  it('does not end a command at delimiters inside quotes', () => {
    const text = `Post it: warroom update INC-7 --findings "db (primary) is down; failing over" --actions 'restarting "api"'`;
    expect(checkWarroomCommands(text)).toEqual([{ command: text.slice(text.indexOf('warroom')), ok: true }]);
  });

  it('reads every command of a rule action, and the excess argument of the second', () => {
    const r = checkWarroomCommands('Check the process ("warroom diagnose app api"), restart if needed: warroom run restart api');
    expect(r.map((c) => [c.command, c.ok])).toEqual([
      ['warroom diagnose app api', true],
      ['warroom run restart api', false],
    ]);
  });

  it('sees a pipe inside a quoted suggestion as the shell would', () => {
    expect(one('Check it individually ("warroom diagnose postgres|redis")')).toMatchObject({
      command: 'warroom diagnose postgres|redis',
      ok: false,
      error: 'shell operator |: not one warroom command',
    });
  });

  it('finds nothing where warroom is not a command word', () => {
    expect(checkWarroomCommands("Check memory use (docker stats) and edit warroom.yaml; warroom-health and warroom's logs")).toEqual([]);
    expect(checkWarroomCommands('')).toEqual([]);
  });
});
