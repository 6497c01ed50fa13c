// @vitest-environment jsdom
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Countdown } from './countdown.js';

const T0 = Date.parse('2026-11-27T10:00:00.000Z');

describe('Countdown', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(T0);
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('counts down every second and turns overdue, in words and in red', () => {
    render(<Countdown dueAt={new Date(T0 + 2_000).toISOString()} label="Next update" />);
    const el = () => screen.getByText(/Next update/);
    expect(el().textContent).toBe('Next update: due in 2s');
    expect(el().className).not.toContain('countdown-overdue');
    act(() => vi.advanceTimersByTime(1000));
    expect(el().textContent).toBe('Next update: due in 1s');
    act(() => vi.advanceTimersByTime(2000));
    expect(el().textContent).toBe('Next update: overdue by 1s');
    expect(el().className).toContain('countdown-overdue');
    expect(el().getAttribute('data-overdue')).toBe('true');
    expect(el().querySelector('strong')?.textContent).toBe('overdue');
  });

  it('formats minutes, hours and days', () => {
    const { rerender } = render(<Countdown dueAt={new Date(T0 + 14 * 60_000 + 5_000).toISOString()} now={T0} />);
    expect(screen.getByText(/due in/).textContent).toBe('due in 14m 05s');
    rerender(<Countdown dueAt={new Date(T0 + 2 * 3600_000 + 3 * 60_000).toISOString()} now={T0} />);
    expect(screen.getByText(/due in/).textContent).toBe('due in 2h 03m');
    rerender(<Countdown dueAt={new Date(T0 - 26 * 3600_000).toISOString()} now={T0} />);
    expect(screen.getByText(/overdue/).parentElement?.textContent).toBe('overdue by 1d 2h 00m');
  });

  it('warns when less than five minutes are left', () => {
    render(<Countdown dueAt={new Date(T0 + 4 * 60_000).toISOString()} now={T0} />);
    expect(screen.getByText(/due in/).className).toContain('countdown-soon');
  });

  it('says none is due once resolved', () => {
    render(<Countdown dueAt={null} label="Next update" />);
    expect(screen.getByText('Next update: none due')).toBeTruthy();
  });
});
