import { useEffect, useState } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { TimelineEntry, TriageReport } from '../../api/types.js';
import { TriageCauses } from '../../components/triage-causes.js';
import { ErrorBanner } from '../../components/form.js';
import { formatTime } from '../../lib/time.js';
import { useSubmit } from '../../lib/use-submit.js';

/**
 * The latest triage report for this incident (GET /api/v1/triage/latest?incident=…): each
 * finding with its likely cause, evidence and first action. Reloaded when a new triage run
 * posts to the timeline; responders can run one from here.
 */
export function TriageFindings({ incidentId, entries, canWrite }: { incidentId: string; entries: TimelineEntry[]; canWrite: boolean }) {
  const [report, setReport] = useState<TriageReport | null>(null);
  const { busy, error, setError, run: submit } = useSubmit();
  const latestRun = entries.reduce((n, e) => Math.max(n, typeof e.data?.triage === 'number' ? e.data.triage : 0), 0);
  useEffect(() => {
    request<TriageReport>('GET', `/api/v1/triage/latest?incident=${encodeURIComponent(incidentId)}`).then(
      (r) => {
        setReport(r);
        setError(null);
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.status === 404) setReport(null);
        else setError(e);
      },
    );
  }, [incidentId, latestRun]);
  const run = () => submit(async () => setReport(await request<TriageReport>('POST', '/api/v1/triage', { incident: incidentId })));
  return (
    <section className="card" aria-labelledby="triage-findings-heading">
      <h2 id="triage-findings-heading">Triage findings</h2>
      {report ? (
        <>
          <p className="hint">
            Triage #{report.id} at {formatTime(report.createdAt)}
            {report.suggestedSeverity ? `, suggested ${report.suggestedSeverity}` : ''}.
          </p>
          <TriageCauses report={report} testId="room-triage-findings" empty="No findings: nothing matches a known cause." />
          {report.blindSpots.length > 0 && (
            <details>
              <summary>Not seen by this triage ({report.blindSpots.length})</summary>
              <ul>
                {report.blindSpots.map((b, i) => (
                  <li key={i}>{b}</li>
                ))}
              </ul>
            </details>
          )}
        </>
      ) : (
        <p className="muted">No triage has run for this incident.</p>
      )}
      <ErrorBanner error={error} />
      {canWrite && (
        <button type="button" onClick={() => void run()} disabled={busy}>
          {busy ? 'Running triage…' : 'Run triage now'}
        </button>
      )}
    </section>
  );
}
