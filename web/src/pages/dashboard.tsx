import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client.js';
import { SEVERITIES, type Incident, type SeverityLevel } from '../api/types.js';
import { SeverityBadge, StatusBadge } from '../components/badges.js';
import { Countdown } from '../components/countdown.js';
import { ErrorBanner } from '../components/form.js';
import { SeverityTable } from '../components/severity-table.js';
import { Link, navigate } from '../lib/router.js';
import { formatDuration, formatTime, formatUtc, useNow } from '../lib/time.js';
import { useSession } from '../session.js';
import { DeclareForm } from './declare-form.js';

/** How often the dashboard re-reads the lists; countdowns tick locally every second. */
const REFRESH_MS = 5000;

const bySeverityThenAge = (a: Incident, b: Incident) =>
  SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) || a.declaredAt.localeCompare(b.declaredAt);

export function DashboardPage() {
  const { canWrite } = useSession();
  const [open, setOpen] = useState<Incident[] | null>(null);
  const [resolved, setResolved] = useState<Incident[] | null>(null);
  const [levels, setLevels] = useState<SeverityLevel[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [declaring, setDeclaring] = useState(false);
  const now = useNow(1000);

  const load = useCallback(async () => {
    try {
      const [o, r] = await Promise.all([api.openIncidents(), api.resolvedIncidents(10)]);
      setOpen(o.incidents.sort(bySeverityThenAge));
      setResolved(r.incidents.sort((a, b) => (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '')));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, []);

  useEffect(() => {
    void load();
    api.severities().then((r) => setLevels(r.severities), setError);
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  return (
    <>
      <div className="page-head">
        <h1>Dashboard</h1>
        {canWrite && !declaring && (
          <button type="button" className="primary danger" onClick={() => setDeclaring(true)}>
            Declare incident
          </button>
        )}
      </div>
      <ErrorBanner error={error} />
      {declaring && levels.length > 0 && (
        <DeclareForm levels={levels} onCancel={() => setDeclaring(false)} onDeclared={(i) => navigate(`/incidents/${i.id}`)} />
      )}
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">Open incidents {open && <span className="count">({open.length})</span>}</h2>
        {open === null ? (
          <p aria-busy="true">Loading…</p>
        ) : open.length === 0 ? (
          <p className="empty">No open incidents.</p>
        ) : (
          <div className="table-scroll">
            <table className="incidents" data-testid="open-incidents">
              <thead>
                <tr>
                  <th scope="col">Incident</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col">Commander</th>
                  <th scope="col">Duration</th>
                  <th scope="col">Next update</th>
                </tr>
              </thead>
              <tbody>
                {open.map((i) => (
                  <tr key={i.id} className={`row-${i.severity.toLowerCase()}`}>
                    <td data-label="Incident">
                      <Link href={`/incidents/${i.id}`}>
                        <span className="inc-id">{i.id}</span> {i.title}
                      </Link>
                    </td>
                    <td data-label="Severity">
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td data-label="Status">
                      <StatusBadge status={i.status} />
                    </td>
                    <td data-label="Commander">{i.roles.commander ?? <span className="warn-text">unassigned</span>}</td>
                    <td data-label="Duration" title={`declared ${formatUtc(i.declaredAt)}`}>
                      {formatDuration(now - Date.parse(i.declaredAt))}
                    </td>
                    <td data-label="Next update">
                      <Countdown dueAt={i.derived.nextUpdateDueAt} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="resolved-heading">
        <h2 id="resolved-heading">Recently resolved</h2>
        {resolved === null ? (
          <p aria-busy="true">Loading…</p>
        ) : resolved.length === 0 ? (
          <p className="empty">Nothing resolved yet.</p>
        ) : (
          <div className="table-scroll">
            <table className="incidents" data-testid="resolved-incidents">
              <thead>
                <tr>
                  <th scope="col">Incident</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Resolved</th>
                  <th scope="col">Time to resolve</th>
                  <th scope="col">Commander</th>
                </tr>
              </thead>
              <tbody>
                {resolved.map((i) => (
                  <tr key={i.id}>
                    <td data-label="Incident">
                      <Link href={`/incidents/${i.id}`}>
                        <span className="inc-id">{i.id}</span> {i.title}
                      </Link>
                    </td>
                    <td data-label="Severity">
                      <SeverityBadge severity={i.severity} />
                    </td>
                    <td data-label="Resolved" title={i.resolvedAt ? formatUtc(i.resolvedAt) : undefined}>
                      {i.resolvedAt ? formatTime(i.resolvedAt) : '—'}
                    </td>
                    <td data-label="Time to resolve">
                      {i.derived.timeToResolveMs !== null ? formatDuration(i.derived.timeToResolveMs) : '—'}
                    </td>
                    <td data-label="Commander">{i.roles.commander ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {levels.length > 0 && !declaring && (
        <details className="card">
          <summary>Severity table (how to classify)</summary>
          <SeverityTable levels={levels} />
        </details>
      )}
    </>
  );
}
