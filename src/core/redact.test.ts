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
  it('keeps warroom\'s own messages as written (a word after "password:" is prose, not a secret)', () => {
    for (const m of [
      'password: must be at least 10 characters',
      'missing or invalid token: send "Authorization: Bearer <token>" (create one with "warroom token create")',
      'token: missing',
    ])
      expect(redactText(m)).toBe(m);
  });
  it('removes secrets after a prefixed key, a short bearer token and a PEM private key', () => {
    expect(redactText('DB_PASSWORD=hunter2 PGPASSWORD=pw access_token=t1')).toBe(
      'DB_PASSWORD=[REDACTED] PGPASSWORD=[REDACTED] access_token=[REDACTED]',
    );
    expect(redactText('Authorization: Bearer abc')).toBe('Authorization: Bearer [REDACTED]');
    expect(redactText('postgres://u:p@ss@host/db')).toBe('postgres://u:[REDACTED]@host/db');
    expect(redactText('-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAKCAQ\n-----END RSA PRIVATE KEY-----')).toBe(
      '-----BEGIN RSA PRIVATE KEY-----\n[REDACTED]\n-----END RSA PRIVATE KEY-----',
    );
  });
  it('keeps ordinary text', () => {
    expect(redactText('GET /orders/123 500 in 12ms')).toBe('GET /orders/123 500 in 12ms');
  });
  it('applies team patterns', () => {
    expect(redactWith(['internal-[a-z0-9]{8}'])('id internal-abcd1234 seen')).toBe('id [REDACTED] seen');
  });
});
