import { useCallback, useEffect, useState } from 'react';
import { api, request } from '../api/client.js';
import type { CheckState, HealthReport, Incident, TriageReport } from '../api/types.js';
import { SeverityBadge } from '../components/badges.js';
import { TriageCauses } from '../components/triage-causes.js';
import { ErrorBanner, Field } from '../components/form.js';
import { formatTime, formatUtc } from '../lib/time.js';
import { useSession } from '../session.js';
import { ApiMissing } from './unavailable.js';

/** Health is re-checked this often while the board is open (checks run on the server, concurrently). */
const REFRESH_MS = 15_000;
const MARK: Record<CheckState, string> = { up: '✓', degraded: '!', down: '✗' };

function StateBadge({ state }: { state: CheckState }) {
  return (
    <span className={`badge state-${state}`}>
      <span aria-hidden="true">{MARK[state]} </span>
      {state}
    </span>
  );
}

export function HealthBoardPage() {
  const { canWrite } = useSession();
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);

  const load = useCallback(async () => {
    setChecking(true);
    try {
      setReport(await request<HealthReport>('GET', '/api/v1/health'));
      setError(null);
    } catch (e) {
      setError(e);
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    void load();
    const t = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(t);
  }, [load]);

  return (
    <>
      <div className="page-head">
        <h1>Health board</h1>
        <button type="button" onClick={() => void load()} disabled={checking}>
          {checking ? 'Checking…' : 'Check now'}
        </button>
      </div>
      {error ? <ApiMissing error={error} what="The health board" cli="warroom health" /> : null}
      {report && (
        <>
          <p role="status">
            Overall: <StateBadge state={report.state} /> — {report.counts.up} up, {report.counts.degraded} degraded, {report.counts.down}{' '}
            down. Last check{' '}
            <time dateTime={report.finishedAt} title={formatUtc(report.finishedAt)}>
              {formatTime(report.finishedAt)}
            </time>{' '}
            (refreshes every {REFRESH_MS / 1000} s).
          </p>
          {report.services.length === 0 ? (
            <p className="empty">
              No services are configured. Add them under <code>services:</code> in warroom.yaml.
            </p>
          ) : (
            <div className="table-scroll">
              <table data-testid="health-table">
                <thead>
                  <tr>
                    <th scope="col">Service</th>
                    <th scope="col">State</th>
                    <th scope="col">Check</th>
                    <th scope="col">Latency</th>
                    <th scope="col">Evidence</th>
                  </tr>
                </thead>
                <tbody>
                  {report.services.flatMap((s) =>
                    s.checks.map((c, i) => (
                      <tr key={`${s.service}-${i}`}>
                        {i === 0 && (
                          <th scope="rowgroup" rowSpan={s.checks.length}>
                            {s.service}
                            <br />
                            <StateBadge state={s.state} />
                          </th>
                        )}
                        <td>
                          <StateBadge state={c.state} />
                        </td>
                        <td>
                          {c.kind} <span className="muted">{c.target}</span>
                        </td>
                        <td>{Math.round(c.latencyMs)} ms</td>
                        <td>
                          {c.error && <div className="warn-text">{c.error}</div>}
                          <code className="evidence-inline">{JSON.stringify(c.evidence)}</code>
                        </td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
          )}
          {report.skipped.length > 0 && <p className="muted">No probes configured for: {report.skipped.join(', ')}.</p>}
        </>
      )}
      {canWrite && <TriagePanel />}
    </>
  );
}

/** Runs the automated 5-minute triage and shows its findings; optionally records them on an incident. */
function TriagePanel() {
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [incident, setIncident] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [report, setReport] = useState<TriageReport | null>(null);
  useEffect(
    () =>
      void api.openIncidents().then(
        (r) => setIncidents(r.incidents),
        () => {},
      ),
    [],
  );
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setReport(await request<TriageReport>('POST', '/api/v1/triage', incident ? { incident } : {}));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="triage-heading">
      <h2 id="triage-heading">Triage</h2>
      <p className="hint">
        Health of all services, recent deploys, database and cache diagnostics, and the seed's common incident patterns, in one run.
      </p>
      <Field label="Record findings on incident (optional)">
        {(p) => (
          <select {...p} value={incident} onChange={(e) => setIncident(e.target.value)}>
            <option value="">— none —</option>
            {incidents.map((i) => (
              <option key={i.id} value={i.id}>
                {i.id} {i.title}
              </option>
            ))}
          </select>
        )}
      </Field>
      <button type="button" className="primary" onClick={() => void run()} disabled={busy}>
        {busy ? 'Running triage…' : 'Run triage'}
      </button>
      <ErrorBanner error={error} />
      {report && (
        <div role="status" className="triage-result">
          <p>
            Triage {report.id !== null ? `#${report.id} ` : ''}finished: <StateBadge state={report.state} />
            {report.suggestedSeverity && (
              <>
                {' '}
                — suggested severity <SeverityBadge severity={report.suggestedSeverity} />
              </>
            )}
          </p>
          {report.summary.length > 0 && (
            <ul>
              {report.summary.map((s, i) => (
                <li key={i}>{s}</li>
              ))}
            </ul>
          )}
          <TriageCauses report={report} testId="triage-findings" empty="No findings: nothing matches a known cause." />
          {report.unexplained.length > 0 && (
            <>
              <h3>Unexplained symptoms</h3>
              <ul>
                {report.unexplained.map((s) => (
                  <li key={s.id}>{s.text}</li>
                ))}
              </ul>
            </>
          )}
          <h3>Not seen (blind spots)</h3>
          {report.blindSpots.length === 0 ? (
            <p className="muted">None.</p>
          ) : (
            <ul data-testid="triage-blind-spots">
              {report.blindSpots.map((b, i) => (
                <li key={i}>{b}</li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
