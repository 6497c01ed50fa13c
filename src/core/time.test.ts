import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseTimePoint } from './time.js';

describe('durations and times', () => {
  const now = new Date('2026-01-15T15:00:00.000Z');
  it('parses durations', () => {
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('1d')).toBe(86_400_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('15 minutes')).toBe(900_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(() => parseDuration('soon')).toThrow(/cannot read/);
    expect(() => parseDuration('5 parsecs')).toThrow(/unknown unit/);
  });
  it('parses time points', () => {
    expect(parseTimePoint('15 minutes ago', now).toISOString()).toBe('2026-01-15T14:45:00.000Z');
    expect(parseTimePoint('2h', now).toISOString()).toBe('2026-01-15T13:00:00.000Z');
    expect(parseTimePoint('2024-01-15T14:30:00Z', now).toISOString()).toBe('2024-01-15T14:30:00.000Z');
    expect(parseTimePoint('now', now).toISOString()).toBe(now.toISOString());
    expect(() => parseTimePoint('yesterday-ish', now)).toThrow(/cannot read/);
  });
  it('formats durations', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(754_000)).toBe('12m 34s');
    expect(formatDuration(3_900_000)).toBe('1h 05m');
    expect(formatDuration(2 * 86_400_000 + 3 * 3_600_000)).toBe('2d 3h');
  });
});
