import { describe, expect, it } from 'vitest';
import { redactText } from '../core/redact.js';
import { OUTPUT_HEAD_CHARS, OUTPUT_TAIL_CHARS, OutputLog, sanitize } from './output-log.js';

describe('OutputLog', () => {
  it('redacts a secret even when it arrives split across two reads', () => {
    const lines: string[] = [];
    const log = new OutputLog(
      (t) => redactText(t),
      (l) => lines.push(l),
    );
    log.write(Buffer.from('connecting with pass'));
    log.write(Buffer.from('word=hunter2secret now\nnext line\n'));
    log.end();
    expect(log.text()).toBe('connecting with password=[REDACTED] now\nnext line');
    expect(lines).toEqual(['connecting with password=[REDACTED] now', 'next line']);
  });

  it('keeps the head and the tail of a huge output and says how much it dropped', () => {
    const log = new OutputLog((t) => t);
    for (let i = 0; i < 20_000; i++) log.write(`line ${i}\n`);
    log.end();
    const text = log.text();
    expect(log.truncated).toBe(true);
    expect(text.length).toBeLessThan(OUTPUT_HEAD_CHARS + OUTPUT_TAIL_CHARS + 200);
    expect(text.startsWith('line 0\nline 1\n')).toBe(true);
    expect(text.endsWith('line 19999')).toBe(true);
    expect(text).toMatch(/\[warroom\] … \d+ characters of output omitted …/);
  });

  it('bounds a single endless line and decodes UTF-8 split across reads', () => {
    const log = new OutputLog((t) => t);
    const euro = Buffer.from('€');
    log.write(euro.subarray(0, 1));
    log.write(euro.subarray(1));
    log.write('x'.repeat(OUTPUT_TAIL_CHARS * 3));
    log.end();
    expect(log.text().startsWith('€')).toBe(true);
    expect(log.text().length).toBeLessThan(OUTPUT_HEAD_CHARS + OUTPUT_TAIL_CHARS * 2 + 200);
  });

  it('strips terminal escapes and control characters', () => {
    expect(sanitize('\u001b[31mred\u001b[0m\u0007 ok\r')).toBe('red ok');
  });
});
