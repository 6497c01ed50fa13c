import { describe, expect, it } from 'vitest';
import { redactWith } from '../core/redact.js';
import { redactArgs } from './record.js';

describe('redactArgs: what an agent call leaves on the timeline', () => {
  const redact = redactWith(['acct-[0-9]{6}']);

  it('blanks secret-looking keys whatever their value, at any depth', () => {
    const out = redactArgs(
      { action: 'restart', options: { service: 'backend', password: 'p4ss', api_key: 42, nested: { token: ['a', 'b'] } } },
      redact,
    );
    expect(out).toEqual({
      action: 'restart',
      options: { service: 'backend', password: '[REDACTED]', api_key: '[REDACTED]', nested: { token: '[REDACTED]' } },
    });
  });

  it('redacts secrets inside strings, including team patterns, and cuts long strings', () => {
    const out = redactArgs(
      {
        postgres: ['postgres://app:hunter2@db:5432/app'],
        note: 'customer acct-123456 saw Bearer abcdefghijklmnop',
        text: 'x'.repeat(5000),
      },
      redact,
    ) as Record<string, unknown>;
    expect(JSON.stringify(out)).not.toContain('hunter2');
    expect(JSON.stringify(out)).not.toContain('acct-123456');
    expect(JSON.stringify(out)).not.toContain('abcdefghijklmnop');
    expect((out.text as string).length).toBeLessThanOrEqual(2001);
  });

  it('keeps numbers, booleans and null as they are', () => {
    expect(redactArgs({ limit: 5, all: true, impact: null }, redact)).toEqual({ limit: 5, all: true, impact: null });
  });
});
