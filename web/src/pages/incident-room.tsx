import { useCallback, useEffect, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api, ApiError, request } from '../api/client.js';
import { INCIDENT_ROLES, SEVERITIES, STATUSES, type ActionItem, type TriageReport, type Incident, type IncidentRole, type NoteKind, type Severity, type SeverityLevel, type Status, type TimelineEntry } from '../api/types.js';
import { SeverityBadge, StatusBadge } from '../components/badges.js';
import { Countdown } from '../components/countdown.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../components/form.js';
import { evidenceOf, Timeline } from '../components/timeline.js';
import { UpdateComposer, type UpdatePlan, type UpdatePost } from '../components/update-composer.js';
import { Link } from '../lib/router.js';
import { formatDuration, formatPolicyDuration, formatTime, formatUtc, useNow } from '../lib/time.js';
import { useIncident, type LiveState } from '../lib/use-incident.js';
import { useSession } from '../session.js';

const ROLE_LABEL: Record<IncidentRole, string> = { commander: 'Incident commander', comms_lead: 'Communications lead', scribe: 'Scribe', responder: 'Responder' };
const LIVE_LABEL: Record<LiveState, string> = { connecting: 'connecting…', live: 'live', reconnecting: 'reconnecting…', gone: 'disconnected' };

/** A form's submit state: busy, the API error, and a runner that clears and records it. */
function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (e) {
      setError(e);
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

export function IncidentRoomPage({ id }: { id: string }) {
  const { session, canWrite } = useSession();
  const { incident, entries, error, live, apply } = useIncident(id);
  const [levels, setLevels] = useState<SeverityLevel[]>([]);
  const now = useNow(1000);
  const header = useAction();
  useEffect(() => void api.severities().then((r) => setLevels(r.severities), () => {}), []);
  const preview = useCallback((u: UpdatePost) => previewUpdate(id, u), [id]);

  if (error) return <><h1>{id}</h1><ErrorBanner error={error} /><p><Link href="/">Back to the dashboard</Link></p></>;
  if (!incident) return <p aria-busy="true">Loading {id}…</p>;
  const level = levels.find((l) => l.id === incident.severity);
  const isCommander = incident.roles.commander === session.name;
  const resolved = incident.status === 'resolved';

  return (
    <div className="room">
      <header className="room-head">
        <div className="room-title">
          <h1><span className="inc-id">{incident.id}</span> {incident.title}</h1>
          <div className="room-badges">
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
            <span className={`live live-${live}`} role="status"><span aria-hidden="true">● </span>{LIVE_LABEL[live]}</span>
          </div>
        </div>
        <dl className="facts">
          <div><dt>Commander</dt><dd data-testid="commander">{incident.roles.commander ?? <span className="warn-text">unassigned</span>}</dd></div>
          <div><dt>Duration</dt><dd>{formatDuration(resolved ? incident.derived.durationMs : now - Date.parse(incident.declaredAt))}</dd></div>
          <div><dt>Next update</dt><dd><Countdown dueAt={incident.derived.nextUpdateDueAt} now={now} /></dd></div>
          <div><dt>Response target</dt><dd>{incident.derived.responseTargetMet === null ? `pending (< ${level ? formatPolicyDuration(level.responseTimeMs) : '…'})` : incident.derived.responseTargetMet ? 'met' : <span className="warn-text">missed</span>}</dd></div>
          <div><dt>Declared</dt><dd title={formatUtc(incident.declaredAt)}>{formatTime(incident.declaredAt)} by {incident.createdBy}</dd></div>
          {incident.resolvedAt && <div><dt>Resolved</dt><dd title={formatUtc(incident.resolvedAt)}>{formatTime(incident.resolvedAt)}</dd></div>}
        </dl>
        {canWrite && !resolved && (
          <div className="actions">
            {!isCommander && (
              <button type="button" className="primary" disabled={header.busy} onClick={() => void header.run(async () => apply(await api.assignRole(incident.id, { role: 'commander', to: session.name })))}>
                {incident.roles.commander ? `Take over as IC from ${incident.roles.commander}` : "I'll be IC"}
              </button>
            )}
            {!incident.acknowledgedAt && incident.roles.commander && (
              <button type="button" disabled={header.busy} onClick={() => void header.run(async () => apply(await api.ack(incident.id)))}>Acknowledge</button>
            )}
          </div>
        )}
        <ErrorBanner error={header.error} />
        {resolved && <p><Link href={`/incidents/${incident.id}/postmortem`}>Post-mortem for {incident.id}</Link></p>}
      </header>

      <div className="room-grid">
        <section className="room-main" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading">Timeline</h2>
          {canWrite && <EntryComposer incidentId={incident.id} onAdded={apply} />}
          <Timeline entries={entries} />
        </section>

        <aside className="room-side">
          {canWrite && (resolved ? <ReopenForm incident={incident} onDone={apply} /> : <StatusForm incident={incident} onDone={apply} />)}
          {canWrite && !resolved && <SeverityForm incident={incident} levels={levels} onDone={apply} />}
          <RolesPanel incident={incident} canWrite={canWrite && !resolved} onDone={apply} />
          <section className="card" aria-labelledby="impact-heading">
            <h2 id="impact-heading">Impact and services</h2>
            <p>{incident.impact ?? <span className="muted">No impact written yet.</span>}</p>
            {incident.services.length > 0 ? <ul className="tags">{incident.services.map((s) => <li key={s}>{s}</li>)}</ul> : <p className="muted">No services named.</p>}
            {incident.summary && <><h3>Summary</h3><p>{incident.summary}</p></>}
          </section>
          <TriageFindings incidentId={incident.id} entries={entries} canWrite={canWrite && !resolved} />
          <EntryList title="Findings on the timeline" kind="finding" entries={entries} empty="No findings yet." />
          <RemediationRuns incidentId={incident.id} entries={entries} />
          <EntryList title="Actions on the timeline" kind="action" entries={entries} empty="No actions recorded." />
          <EntryList title="Decisions" kind="decision" entries={entries} empty="No decisions recorded." />
          <ActionItems incidentId={incident.id} />
        </aside>
      </div>

      {canWrite && level && (
        <UpdateComposer key={incident.id} incident={incident} cadenceMinutes={Math.round(level.updateCadenceMs / 60_000)} publicByDefault={level.publicUpdates}
          onPost={(u) => postUpdate(incident.id, u, apply)} onPreview={preview} />
      )}
    </div>
  );
}

/** POST /api/v1/incidents/:id/updates (coordination): records the update, resets the cadence clock, posts the public text. */
async function postUpdate(id: string, u: UpdatePost, apply: (r: { incident: Incident; entries: TimelineEntry[] }) => void) {
  const r = await request<{ incident: Incident; entries: TimelineEntry[] }>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/updates`, u);
  apply({ incident: r.incident, entries: r.entries ?? [] });
}

/** The same call as a dry run: what the server would send where, rendered by its own templates. */
function previewUpdate(id: string, u: UpdatePost): Promise<UpdatePlan> {
  return request<UpdatePlan>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/updates`, { ...u, dry_run: true });
}

function EntryComposer({ incidentId, onAdded }: { incidentId: string; onAdded: (e: TimelineEntry) => void }) {
  const [kind, setKind] = useState<NoteKind>('finding');
  const [text, setText] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useAction();
  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!text.trim()) {
      setLocalError('Write one line, then press Enter.');
      return;
    }
    setLocalError(null);
    const ok = await a.run(async () => onAdded(await api.addEntry(incidentId, { kind, text: text.trim() })));
    if (ok) setText('');
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form className="entry-composer" onSubmit={submit} noValidate aria-label="Add to the timeline">
      <label className="sr-only" htmlFor="entry-kind">Kind</label>
      <select id="entry-kind" value={kind} onChange={(e) => setKind(e.target.value as NoteKind)}>
        <option value="finding">Finding</option>
        <option value="action">Action</option>
        <option value="decision">Decision</option>
        <option value="note">Note</option>
      </select>
      <Field label={`Add a ${kind} (Enter to post)`} error={localError ?? fieldError(a.error, 'text')}>
        {(p) => <input {...p} name="entry-text" value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} placeholder="e.g. p99 latency on checkout is 4 s since 14:02" autoComplete="off" />}
      </Field>
      <button type="submit" disabled={a.busy}>Add</button>
      <ErrorBanner error={bannerError(a.error, ['text'])} />
    </form>
  );
}

function StatusForm({ incident, onDone }: { incident: Incident; onDone: (r: { incident: Incident; entries: TimelineEntry[] }) => void }) {
  const next = STATUSES[Math.min(STATUSES.indexOf(incident.status) + 1, STATUSES.length - 1)];
  const [status, setStatus] = useState<Status>(next);
  const [note, setNote] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useAction();
  useEffect(() => setStatus(STATUSES[Math.min(STATUSES.indexOf(incident.status) + 1, STATUSES.length - 1)]), [incident.status]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (status === incident.status) {
      setLocalError(`It is already ${status}.`);
      return;
    }
    setLocalError(null);
    const ok = await a.run(async () => onDone(status === 'resolved'
      ? await api.resolve(incident.id, { summary: note.trim() || null })
      : await api.setStatus(incident.id, { status, note: note.trim() || null })));
    if (ok) setNote('');
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <Field label="New status" error={localError ?? fieldError(a.error, 'status')}>
        {(p) => <select {...p} name="status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>{STATUSES.map((s) => <option key={s} value={s} disabled={s === incident.status}>{s}{s === incident.status ? ' (current)' : ''}</option>)}</select>}
      </Field>
      <Field label={status === 'resolved' ? 'Resolution summary (optional)' : 'Note (optional)'} error={fieldError(a.error, status === 'resolved' ? 'summary' : 'note')}>
        {(p) => <input {...p} name="status-note" value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['status', 'note', 'summary'])} />
      <button type="submit" className={status === 'resolved' ? 'primary ok' : 'primary'} disabled={a.busy}>{status === 'resolved' ? 'Resolve incident' : `Set status to ${status}`}</button>
    </form>
  );
}

function ReopenForm({ incident, onDone }: { incident: Incident; onDone: (r: { incident: Incident; entries: TimelineEntry[] }) => void }) {
  const [reason, setReason] = useState('');
  const a = useAction();
  return (
    <form className="card" noValidate aria-labelledby="reopen-heading" onSubmit={(e) => { e.preventDefault(); void a.run(async () => onDone(await api.reopen(incident.id, { reason: reason.trim() || null }))); }}>
      <h2 id="reopen-heading">Resolved</h2>
      <Field label="Reason to reopen" error={fieldError(a.error, 'reason')}>
        {(p) => <input {...p} name="reopen-reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['reason'])} />
      <button type="submit" disabled={a.busy}>Reopen incident</button>
    </form>
  );
}

function SeverityForm({ incident, levels, onDone }: { incident: Incident; levels: SeverityLevel[]; onDone: (r: { incident: Incident; entries: TimelineEntry[] }) => void }) {
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const a = useAction();
  useEffect(() => setSeverity(incident.severity), [incident.severity]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (severity === incident.severity) errs.severity = `It is already ${severity}; choose another level.`;
    if (!reason.trim()) errs.reason = 'Say why the severity changes (it goes on the timeline).';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    const ok = await a.run(async () => onDone(await api.setSeverity(incident.id, { severity, reason: reason.trim() })));
    if (ok) setReason('');
  }
  const level = levels.find((l) => l.id === severity);
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="severity-heading">
      <h2 id="severity-heading">Severity</h2>
      <Field label="New severity" error={errors.severity ?? fieldError(a.error, 'severity')} hint={level ? `${level.impact}. Updates every ${formatPolicyDuration(level.updateCadenceMs)}.` : undefined}>
        {(p) => <select {...p} name="severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>{SEVERITIES.map((s) => <option key={s} value={s}>{s}{s === incident.severity ? ' (current)' : ''}</option>)}</select>}
      </Field>
      <Field label="Reason" error={errors.reason ?? fieldError(a.error, 'reason')}>
        {(p) => <input {...p} name="severity-reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['severity', 'reason'])} />
      <button type="submit" disabled={a.busy}>Change severity</button>
    </form>
  );
}

function RolesPanel({ incident, canWrite, onDone }: { incident: Incident; canWrite: boolean; onDone: (r: { incident: Incident; entries: TimelineEntry[] }) => void }) {
  const [role, setRole] = useState<IncidentRole>('commander');
  const [to, setTo] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useAction();
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!to.trim()) {
      setLocalError('Name the person.');
      return;
    }
    setLocalError(null);
    const ok = await a.run(async () => onDone(await api.assignRole(incident.id, { role, to: to.trim() })));
    if (ok) setTo('');
  }
  return (
    <section className="card" aria-labelledby="roles-heading">
      <h2 id="roles-heading">Roles</h2>
      <dl className="roles">
        <div><dt>{ROLE_LABEL.commander}</dt><dd>{incident.roles.commander ?? '—'}</dd></div>
        <div><dt>{ROLE_LABEL.comms_lead}</dt><dd>{incident.roles.comms_lead ?? '—'}</dd></div>
        <div><dt>{ROLE_LABEL.scribe}</dt><dd>{incident.roles.scribe ?? '—'}</dd></div>
        <div><dt>Responders</dt><dd>{incident.roles.responders.length ? incident.roles.responders.join(', ') : '—'}</dd></div>
      </dl>
      {canWrite && (
        <form onSubmit={submit} noValidate aria-label="Assign or hand over a role">
          <Field label="Role" error={fieldError(a.error, 'role')}>
            {(p) => <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as IncidentRole)}>{INCIDENT_ROLES.map((r) => <option key={r} value={r}>{ROLE_LABEL[r]}</option>)}</select>}
          </Field>
          <Field label={role === 'commander' && incident.roles.commander ? 'Hand over to' : 'Person'} error={localError ?? fieldError(a.error, 'to')}>
            {(p) => <input {...p} name="role-to" value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" />}
          </Field>
          <ErrorBanner error={bannerError(a.error, ['role', 'to'])} />
          <button type="submit" disabled={a.busy}>{role === 'commander' && incident.roles.commander ? 'Hand over command' : 'Assign'}</button>
        </form>
      )}
    </section>
  );
}

function EntryList({ title, kind, entries, empty }: { title: string; kind: string; entries: TimelineEntry[]; empty: string }) {
  const list = entries.filter((e) => e.kind === kind).slice(-20).reverse();
  const hid = `list-${kind}`;
  return (
    <section className="card" aria-labelledby={hid}>
      <h2 id={hid}>{title} {list.length > 0 && <span className="count">({entries.filter((e) => e.kind === kind).length})</span>}</h2>
      {list.length === 0 ? <p className="muted">{empty}</p> : (
        <ul className="entry-list">
          {list.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at} title={formatUtc(e.at)}>{formatTime(e.at)}</time> {e.text} <span className="muted">— {e.author}</span>
              {evidenceOf(e) && <pre className="evidence">{evidenceOf(e)}</pre>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}


/** Action items from the post-mortem API (GET /api/v1/action-items?incident=…). */
function ActionItems({ incidentId }: { incidentId: string }) {
  const [items, setItems] = useState<ActionItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ actionItems: ActionItem[] }>('GET', `/api/v1/action-items?incident=${encodeURIComponent(incidentId)}&status=all`)
      .then((r) => setItems(r.actionItems), setError);
  }, [incidentId]);
  return (
    <section className="card" aria-labelledby="action-items-heading">
      <h2 id="action-items-heading">Action items</h2>
      <ErrorBanner error={error} />
      {items === null ? (!error && <p aria-busy="true">Loading…</p>) : items.length === 0 ? <p className="muted">No action items yet (add them on the post-mortem).</p> : (
        <ul className="entry-list">
          {items.map((i) => (
            <li key={i.id}>
              {i.status === 'done' ? '✓ ' : ''}{i.title} <span className="muted">— {i.owner}, {i.kind}, due {i.dueDate}, {i.status}</span>
              {i.overdue && i.status === 'open' && <strong className="warn-text"> overdue</strong>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/**
 * The latest triage report for this incident (GET /api/v1/triage/latest?incident=…): each
 * finding with its likely cause, evidence and first action. Reloaded when a new triage run
 * posts to the timeline; responders can run one from here.
 */
function TriageFindings({ incidentId, entries, canWrite }: { incidentId: string; entries: TimelineEntry[]; canWrite: boolean }) {
  const [report, setReport] = useState<TriageReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const latestRun = entries.reduce((n, e) => Math.max(n, typeof e.data?.triage === 'number' ? e.data.triage : 0), 0);
  useEffect(() => {
    request<TriageReport>('GET', `/api/v1/triage/latest?incident=${encodeURIComponent(incidentId)}`).then((r) => { setReport(r); setError(null); }, (e: unknown) => {
      if (e instanceof ApiError && e.status === 404) setReport(null);
      else setError(e);
    });
  }, [incidentId, latestRun]);
  async function run() {
    setBusy(true);
    setError(null);
    try {
      setReport(await request<TriageReport>('POST', '/api/v1/triage', { incident: incidentId }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby="triage-findings-heading">
      <h2 id="triage-findings-heading">Triage findings</h2>
      {report ? (
        <>
          <p className="hint">Triage #{report.id} at {formatTime(report.createdAt)}{report.suggestedSeverity ? `, suggested ${report.suggestedSeverity}` : ''}.</p>
          {report.findings.length === 0 ? <p className="muted">No known pattern matched.</p> : (
            <ul className="entry-list" data-testid="room-triage-findings">
              {report.findings.map((f, i) => (
                <li key={i}>
                  <strong>{f.title}</strong> <SeverityBadge severity={f.severity} /> <span className="muted">({f.service})</span>
                  <div>Likely cause: {f.cause}</div>
                  <div>First action: {f.action}</div>
                  {f.evidence.length > 0 && <pre className="evidence">{f.evidence.join('\n')}</pre>}
                </li>
              ))}
            </ul>
          )}
        </>
      ) : <p className="muted">No triage has run for this incident.</p>}
      <ErrorBanner error={error} />
      {canWrite && <button type="button" onClick={() => void run()} disabled={busy}>{busy ? 'Running triage…' : 'Run triage now'}</button>}
    </section>
  );
}

interface ActionRun { id: number; action: string; target: string; actor: string; status: string; startedAt: string; durationMs: number; exitCode: number | null; summary: string }

/**
 * Remediation attempts from GET /api/v1/incidents/:id/actions (rollback, restart, kill query,
 * runbooks…), refused and failed ones included. Re-read when the timeline grows, since every
 * attempt is also recorded there.
 */
function RemediationRuns({ incidentId, entries }: { incidentId: string; entries: TimelineEntry[] }) {
  const [runs, setRuns] = useState<ActionRun[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const actionCount = entries.filter((e) => e.kind === 'action').length;
  useEffect(() => {
    request<{ runs: ActionRun[] }>('GET', `/api/v1/incidents/${encodeURIComponent(incidentId)}/actions`).then((r) => { setRuns(r.runs); setError(null); }, setError);
  }, [incidentId, actionCount]);
  return (
    <section className="card" aria-labelledby="runs-heading">
      <h2 id="runs-heading">Remediation actions taken</h2>
      <ErrorBanner error={error} />
      {runs === null ? (!error && <p aria-busy="true">Loading…</p>) : runs.length === 0 ? <p className="muted">None yet. Run one with <code>warroom run …</code> (rollback, restart, kill-query, flush-keys, clean-disk, runbooks).</p> : (
        <ul className="entry-list" data-testid="remediation-runs">
          {runs.map((r) => (
            <li key={r.id}>
              <time dateTime={r.startedAt} title={formatUtc(r.startedAt)}>{formatTime(r.startedAt)}</time> <strong>{r.action}</strong> {r.target && <span className="muted">{r.target}</span>}{' '}
              <span className={r.status === 'succeeded' ? 'ok-text' : r.status === 'planned' ? 'muted' : 'warn-text'}>{r.status.replace('_', ' ')}</span>
              <span className="muted"> — {r.actor}, {formatDuration(r.durationMs)}{r.exitCode !== null ? `, exit ${r.exitCode}` : ''}</span>
              {r.summary && <div>{r.summary}</div>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
