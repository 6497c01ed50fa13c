import type { WarroomConfig } from '../config/schema.js';

/** coordination: keys with their defaults (docs/coordination.md). */
export interface CoordinationSettings {
  timerTickMs: number;
  /** Explicit overdue repeat; null means the default min(5m, the severity's cadence). */
  overdueRepeatMs: number | null;
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
  sendTimeoutMs: number;
  cliWaitMs: number;
}

export function coordinationSettings(config: WarroomConfig): CoordinationSettings {
  const c = config.coordination ?? {};
  return {
    timerTickMs: c.timer_tick ?? 250,
    overdueRepeatMs: c.overdue_repeat ?? null,
    maxAttempts: c.max_attempts ?? 12,
    retryBaseMs: c.retry_base ?? 1000,
    retryMaxMs: c.retry_max ?? 5 * 60_000,
    sendTimeoutMs: c.send_timeout ?? 10_000,
    cliWaitMs: c.cli_wait ?? 10_000,
  };
}
