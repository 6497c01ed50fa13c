import { useEffect, useState, type FormEvent } from 'react';
import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, Tooltip } from 'chart.js';
import { Bar } from 'react-chartjs-2';
import { request } from '../api/client.js';
import { SEVERITIES, type Stats } from '../api/types.js';
import { Field } from '../components/form.js';
import { formatDuration } from '../lib/time.js';
import { ApiMissing } from './unavailable.js';

// Only the pieces used, so this lazily loaded page stays small.
ChartJS.register(BarElement, CategoryScale, LinearScale, Tooltip, Legend);

type Ratio = Stats['responseTarget'];

const SEV_COLOURS = ['#b91c1c', '#c2410c', '#8a5a00', '#1d4ed8'];
const minutes = (ms: number | null) => (ms === null ? 0 : Math.round(ms / 6000) / 10);
const pct = (r: Ratio) => (r.percent === null ? 'n/a' : `${Math.round(r.percent)}% (${r.met}/${r.total})`);

/** Insights from GET /api/v1/stats as simple charts, each with the same numbers in a table. */
export function InsightsPage() {
  const [since, setSince] = useState('90d');
  const [input, setInput] = useState('90d');
  const [stats, setStats] = useState<Stats | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  useEffect(() => {
    request<Stats>('GET', `/api/v1/stats?since=${encodeURIComponent(since)}`).then((s) => {
      setStats(s);
      setError(null);
    }, setError);
  }, [since]);
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!/^\d+[hdw]$/.test(input.trim())) {
      setInputError('Write a window like 24h, 30d or 12w.');
      return;
    }
    setInputError(null);
    setSince(input.trim());
  }
  const services = stats
    ? Object.entries(stats.incidents.byService)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
    : [];
  return (
    <>
      <h1>Insights</h1>
      <form onSubmit={submit} noValidate className="inline-form" aria-label="Window">
        <Field label="Window" error={inputError} hint="e.g. 24h, 30d, 12w">
          {(p) => <input {...p} value={input} onChange={(e) => setInput(e.target.value)} />}
        </Field>
        <button type="submit">Show</button>
      </form>
      {error ? <ApiMissing error={error} what="Insights" cli="warroom stats" /> : null}
      {stats && (
        <>
          <dl className="facts card">
            <div>
              <dt>Incidents</dt>
              <dd>
                {stats.incidents.total} ({stats.incidents.open} open)
              </dd>
            </div>
            <div>
              <dt>Response target met</dt>
              <dd>{pct(stats.responseTarget)}</dd>
            </div>
            <div>
              <dt>Update cadence met</dt>
              <dd>{pct(stats.updateCadence)}</dd>
            </div>
            <div>
              <dt>Post-mortems on time</dt>
              <dd>
                {pct(stats.postmortems.onTime)}
                {stats.postmortems.overdue ? `, ${stats.postmortems.overdue} overdue` : ''}
              </dd>
            </div>
            <div>
              <dt>Action items</dt>
              <dd>
                {stats.actionItems.open} open, {stats.actionItems.overdue} overdue, {stats.actionItems.done} done
              </dd>
            </div>
          </dl>
          <div className="grid-2">
            <section className="card" aria-labelledby="by-sev-h">
              <h2 id="by-sev-h">Incidents by severity</h2>
              <div className="chart">
                <Bar
                  role="img"
                  aria-label={`Incidents by severity: ${SEVERITIES.map((s) => `${s} ${stats.incidents.bySeverity[s]}`).join(', ')}`}
                  data={{
                    labels: [...SEVERITIES],
                    datasets: [
                      { label: 'Incidents', data: SEVERITIES.map((s) => stats.incidents.bySeverity[s]), backgroundColor: SEV_COLOURS },
                    ],
                  }}
                  options={{
                    maintainAspectRatio: false,
                    plugins: { legend: { display: false } },
                    scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
                  }}
                />
              </div>
            </section>
            <section className="card" aria-labelledby="times-h">
              <h2 id="times-h">Mean time to acknowledge and resolve (minutes)</h2>
              <div className="chart">
                <Bar
                  role="img"
                  aria-label="Mean minutes to acknowledge and to resolve per severity; the table below has the numbers"
                  data={{
                    labels: [...SEVERITIES],
                    datasets: [
                      {
                        label: 'Acknowledge',
                        data: SEVERITIES.map((s) => minutes(stats.timeToAcknowledge[s].meanMs)),
                        backgroundColor: '#1d4ed8',
                      },
                      { label: 'Resolve', data: SEVERITIES.map((s) => minutes(stats.timeToResolve[s].meanMs)), backgroundColor: '#15803d' },
                    ],
                  }}
                  options={{ maintainAspectRatio: false, scales: { y: { beginAtZero: true } } }}
                />
              </div>
            </section>
            <section className="card" aria-labelledby="by-svc-h">
              <h2 id="by-svc-h">Incidents by service</h2>
              {services.length === 0 ? (
                <p className="muted">No incidents named a service.</p>
              ) : (
                <div className="chart">
                  <Bar
                    role="img"
                    aria-label={`Incidents by service: ${services.map(([s, n]) => `${s} ${n}`).join(', ')}`}
                    data={{
                      labels: services.map(([s]) => s),
                      datasets: [{ label: 'Incidents', data: services.map(([, n]) => n), backgroundColor: '#4b5563' }],
                    }}
                    options={{
                      indexAxis: 'y',
                      maintainAspectRatio: false,
                      plugins: { legend: { display: false } },
                      scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
                    }}
                  />
                </div>
              )}
            </section>
          </div>
          <div className="table-scroll">
            <table>
              <caption>
                Per severity, {stats.since.slice(0, 10)} to {stats.until.slice(0, 10)}
              </caption>
              <thead>
                <tr>
                  <th scope="col">Severity</th>
                  <th scope="col">Incidents</th>
                  <th scope="col">Acknowledge: mean / median</th>
                  <th scope="col">Resolve: mean / median</th>
                </tr>
              </thead>
              <tbody>
                {SEVERITIES.map((s) => {
                  const a = stats.timeToAcknowledge[s];
                  const r = stats.timeToResolve[s];
                  const f = (ms: number | null) => (ms === null ? '—' : formatDuration(ms));
                  return (
                    <tr key={s}>
                      <th scope="row">{s}</th>
                      <td>{stats.incidents.bySeverity[s]}</td>
                      <td>
                        {f(a.meanMs)} / {f(a.medianMs)}
                      </td>
                      <td>
                        {f(r.meanMs)} / {f(r.medianMs)}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </>
  );
}
