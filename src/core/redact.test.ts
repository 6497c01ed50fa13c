import { describe, expect, it } from 'vitest';
import { redactText, redactWith } from './redact.js';

describe('redaction', () => {
  const secrets: [string, string][] = [
    ['postgres://app:s3cretPass@db:5432/app', 's3cretPass'],
    ['Authorization: Bearer abcdefghijklmnop123', 'abcdefghijklmnop123'],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U', 'dozjgNryP4J3jVmNHl0w5N'],
    ['key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['password=hunter2&user=bob', 'hunter2'],
    ['{"secret": "xyz-123"}', 'xyz-123'],
    ['api_key: sk_live_abc', 'sk_live_abc'],
    ['wr_0123456789ab_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ'],
    ['https://hooks.slack.com/services/T000/B000/XXXXSECRET', 'XXXXSECRET'],
  ];
  for (const [text, secret] of secrets) {
    it(`removes ${secret.slice(0, 12)}…`, () => {
      const out = redactText(text);
      expect(out).not.toContain(secret);
      expect(out).toContain('[REDACTED]');
    });
  }
  it('keeps ordinary text', () => {
    expect(redactText('GET /orders/123 500 in 12ms')).toBe('GET /orders/123 500 in 12ms');
  });
  it('applies team patterns', () => {
    expect(redactWith(['internal-[a-z0-9]{8}'])('id internal-abcd1234 seen')).toBe('id [REDACTED] seen');
  });
});
