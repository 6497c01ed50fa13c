import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import type { TimelineEntry } from '../../api/types.js';
import { ErrorBanner } from '../../components/form.js';
import { formatDuration, formatTime, formatUtc } from '../../lib/time.js';

interface ActionRun {
  id: number;
  action: string;
  target: string;
  actor: string;
  status: string;
  startedAt: string;
  durationMs: number;
  exitCode: number | null;
  summary: string;
}

/**
 * Remediation attempts from GET /api/v1/incidents/:id/actions (rollback, restart, kill query,
 * runbooks…), refused and failed ones included. Re-read when the timeline grows, since every
 * attempt is also recorded there.
 */
export function RemediationRuns({ incidentId, entries }: { incidentId: string; entries: TimelineEntry[] }) {
  const [runs, setRuns] = useState<ActionRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const actionCount = entries.filter((e) => e.kind === 'action').length;
  useEffect(() => {
    request<{ runs: ActionRun[] }>('GET', `/api/v1/incidents/${encodeURIComponent(incidentId)}/actions`).then((r) => {
      setRuns(r.runs);
      setError(null);
    }, setError);
  }, [incidentId, actionCount]);
  return (
    <section className="card" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Remediation actions taken</h2>
      <ErrorBanner error={error} />
      {runs === null ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : runs.length === 0 ? (
        <p className="muted">
          None yet. Run one with <code>warroom run …</code> (rollback, restart, kill-query, flush-keys, clean-disk, runbooks).
        </p>
      ) : (
        <ul className="entry-list" data-testid="remediation-runs">
          {runs.map((r) => (
            <li key={r.id}>
              <time dateTime={r.startedAt} title={formatUtc(r.startedAt)}>
                {formatTime(r.startedAt)}
              </time>{' '}
              <strong>{r.action}</strong> {r.target && <span className="muted">{r.target}</span>}{' '}
              <span className={r.status === 'succeeded' ? 'ok-text' : r.status === 'planned' ? 'muted' : 'warn-text'}>
                {r.status.replace('_', ' ')}
              </span>
              <span className="muted">
                {' '}
                — {r.actor}, {formatDuration(r.durationMs)}
                {r.exitCode !== null ? `, exit ${r.exitCode}` : ''}
              </span>
              {r.summary && <div>{r.summary}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
