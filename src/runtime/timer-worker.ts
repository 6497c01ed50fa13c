import { randomUUID } from 'node:crypto';
import { runDueTimers, TIMER_BATCH, type TimerDeps, type TimerFiring } from '../app/run-timers.js';
import { coordinationSettings } from '../notify/settings.js';

// The loop that runs the timer use case in every `warroom serve` (composed in server-coordination.ts);
// what a firing does is src/app/run-timers.ts.
export interface TimerWorkerOptions extends TimerDeps {
  /** Called with outbox ids after a firing commits (wakes the outbox worker). */
  onEnqueued?: (ids: number[]) => void;
  onFire?: (f: TimerFiring[]) => void;
  onError?: (e: unknown) => void;
}

/** Polls for due timers every coordination.timer_tick and fires them in batches. */
export class TimerWorker {
  readonly id = `timers-${process.pid}-${randomUUID().slice(0, 8)}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private sleeper: { timer: NodeJS.Timeout; resolve: () => void } | null = null;

  constructor(private readonly o: TimerWorkerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.sleeper) {
      clearTimeout(this.sleeper.timer);
      this.sleeper.resolve();
    }
    await this.loop;
  }

  private async run(): Promise<void> {
    const tick = coordinationSettings(this.o.config).timerTickMs;
    while (this.running) {
      let more = false;
      try {
        const r = await runDueTimers(this.o);
        if (r.firings.length) this.o.onFire?.(r.firings);
        if (r.outboxIds.length) this.o.onEnqueued?.(r.outboxIds);
        more = r.firings.length >= TIMER_BATCH;
      } catch (e) {
        this.o.onError?.(e);
      }
      if (more || !this.running) continue;
      await new Promise<void>((resolve) => {
        this.sleeper = { timer: setTimeout(resolve, tick), resolve };
      });
      this.sleeper = null;
    }
  }
}
