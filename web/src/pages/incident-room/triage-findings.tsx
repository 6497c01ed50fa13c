import { useEffect, useState } from 'react';
import { ApiError, request } from '../../api/client.js';
import type { TimelineEntry, TriageReport } from '../../api/types.js';
import { SeverityBadge } from '../../components/badges.js';
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
          {report.findings.filter((f) => f.kind !== 'note').length === 0 ? (
            <p className="muted">No findings: nothing matches a known cause.</p>
          ) : (
            <ul className="entry-list" data-testid="room-triage-findings">
              {report.findings
                .filter((f) => f.kind !== 'note')
                .map((f, i) => (
                  <li key={i}>
                    <strong>{f.title}</strong> <SeverityBadge severity={f.severity} />{' '}
                    <span className="muted">
                      ({f.service}
                      {i === 0 ? ', most likely root cause' : f.root ? ', independent cause' : ', contributing'})
                    </span>
                    <div>Likely cause: {f.cause}</div>
                    {f.explains.length > 0 && <div>Explains: {f.explains.join('; ')}</div>}
                    <div>
                      First action: <code>{f.action}</code>
                    </div>
                    {f.evidence.length > 0 && <pre className="evidence">{f.evidence.join('\n')}</pre>}
                  </li>
                ))}
            </ul>
          )}
          {report.findings
            .filter((f) => f.kind === 'note')
            .map((f, i) => (
              <p key={`n${i}`} className="muted">
                Note ({f.service}): {f.cause}
              </p>
            ))}
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
