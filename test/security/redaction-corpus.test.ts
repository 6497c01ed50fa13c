import { describe, expect, it } from 'vitest';
import { REDACTED, redactText } from '../../src/core/redact.js';
import { INNOCENTS, SECRETS, type SecretCase } from './redaction-corpus.fixtures.js';

/** What must survive around a secret: the text before it and after it (by default). */
function kept(c: SecretCase): string[] {
  if (c.kept) return c.kept;
  const at = c.text.indexOf(c.secret);
  return [c.text.slice(0, at), c.text.slice(at + c.secret.length)].filter((s) => s.trim() !== '');
}

describe('redaction corpus', () => {
  it('has at least 50 secret forms and 50 innocent look-alikes', () => {
    expect(SECRETS.length).toBeGreaterThanOrEqual(50);
    expect(INNOCENTS.length).toBeGreaterThanOrEqual(50);
  });

  describe('removes every secret and keeps the text around it', () => {
    for (const c of SECRETS) {
      it(c.text.split('\n')[0].slice(0, 80), () => {
        const out = redactText(c.text);
        expect(out).not.toContain(c.secret);
        expect(out).toContain(REDACTED);
        for (const k of kept(c)) expect(out).toContain(k);
      });
    }
  });

  describe('leaves innocent look-alikes unchanged', () => {
    for (const text of INNOCENTS) {
      it(text.slice(0, 80), () => {
        expect(redactText(text)).toBe(text);
      });
    }
  });

  it('keeps JSON valid', () => {
    const doc = {
      message: 'password: must be at least 10 characters',
      env: 'DB_PASSWORD=hunter2 PGPASSWORD="x y"',
      header: 'Authorization: Bearer abc\\"',
      cookie: 'sid=8f3c2a1b; csrftoken=zz91',
      key: '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBkg4LVWM9nu\n-----END EC PRIVATE KEY-----\n',
      nested: JSON.stringify({ password: 'p"w\\1', url: 'redis://:pw@cache/0' }),
    };
    const out = redactText(JSON.stringify(doc));
    const back = JSON.parse(out) as typeof doc;
    expect(back.message).toBe(doc.message);
    for (const s of ['hunter2', 'abc', '8f3c2a1b', 'MHcCAQEEIBkg4LVWM9nu', 'p\\"w', ':pw@']) expect(out).not.toContain(s);
  });
});
