import { describe, expect, it } from 'vitest';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/program.js';
import { OUTBOX_STATUSES } from '../../src/notify/outbox.js';

const find = (program: Command, path: string[]): Command => path.reduce((c, name) => c.commands.find((s) => s.name() === name)!, program);

describe('the program', () => {
  it('offers the outbox statuses the outbox knows (the list is written out so --help does not load the store)', () => {
    const status = find(buildProgram(), ['outbox', 'list']).options.find((o) => o.long === '--status');
    expect(status?.argChoices).toEqual([...OUTBOX_STATUSES, 'all']);
  });
});
