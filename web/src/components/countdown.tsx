import { formatDuration, useNow } from '../lib/time.js';

export interface CountdownProps {
  /** When the next update is due (ISO), or null when none is (resolved). */
  dueAt: string | null;
  /** Override the clock (tests, or a parent that already ticks). */
  now?: number;
  /** Text before the time, e.g. "Next update". */
  label?: string;
}

/**
 * A live countdown to the next update due. Overdue turns red and says "overdue" in words,
 * so the state never depends on colour alone.
 */
export function Countdown({ dueAt, now, label }: CountdownProps) {
  const ticking = useNow(1000);
  const t = now ?? ticking;
  if (!dueAt) return <span className="countdown countdown-none">{label ? `${label}: ` : ''}none due</span>;
  const left = Date.parse(dueAt) - t;
  const overdue = left < 0;
  return (
    <span
      className={overdue ? 'countdown countdown-overdue' : left < 5 * 60_000 ? 'countdown countdown-soon' : 'countdown'}
      data-overdue={overdue}
      title={`due ${new Date(dueAt).toLocaleString()}`}
    >
      {label ? `${label}: ` : ''}
      {overdue ? (
        <>
          <strong>overdue</strong> by {formatDuration(-left)}
        </>
      ) : (
        <>due in {formatDuration(left)}</>
      )}
    </span>
  );
}
