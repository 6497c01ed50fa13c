import { useCallback, useEffect, useState } from 'react';
import { api, request } from '../api/client.js';
import type { Incident, SeverityLevel, TimelineEntry } from '../api/types.js';
import { SeverityBadge, StatusBadge } from '../components/badges.js';
import { Countdown } from '../components/countdown.js';
import { ErrorBanner } from '../components/form.js';
import { Timeline } from '../components/timeline.js';
import { UpdateComposer, type UpdatePlan, type UpdatePost } from '../components/update-composer.js';
import { Link } from '../lib/router.js';
import { formatDuration, formatPolicyDuration, formatTime, formatUtc, useNow } from '../lib/time.js';
import { useIncident, type LiveState } from '../lib/use-incident.js';
import { useSubmit } from '../lib/use-submit.js';
import { useSession } from '../session.js';
import { ActionItems } from './incident-room/action-items.js';
import { EntryComposer } from './incident-room/entry-composer.js';
import { EntryList } from './incident-room/entry-list.js';
import { ImpactPanel } from './incident-room/impact-panel.js';
import { RemediationRuns } from './incident-room/remediation-runs.js';
import { ReopenForm } from './incident-room/reopen-form.js';
import { RolesPanel } from './incident-room/roles-panel.js';
import { SeverityForm } from './incident-room/severity-form.js';
import { StatusForm } from './incident-room/status-form.js';
import { TriageFindings } from './incident-room/triage-findings.js';

const LIVE_LABEL: Record<LiveState, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  gone: 'disconnected',
};

export function IncidentRoomPage({ id }: { id: string }) {
  const { session, canWrite } = useSession();
  const { incident, entries, error, live, apply } = useIncident(id);
  const [levels, setLevels] = useState<SeverityLevel[]>([]);
  const now = useNow(1000);
  const header = useSubmit();
  useEffect(
    () =>
      void api.severities().then(
        (r) => setLevels(r.severities),
        () => {},
      ),
    [],
  );
  const preview = useCallback((u: UpdatePost) => previewUpdate(id, u), [id]);

  if (error)
    return (
      <>
        <h1>{id}</h1>
        <ErrorBanner error={error} />
        <p>
          <Link href="/">Back to the dashboard</Link>
        </p>
      </>
    );
  if (!incident) return <p aria-busy="true">Loading {id}…</p>;
  const level = levels.find((l) => l.id === incident.severity);
  const isCommander = incident.roles.commander === session.name;
  const resolved = incident.status === 'resolved';

  return (
    <div className="room">
      <header className="room-head">
        <div className="room-title">
          <h1>
            <span className="inc-id">{incident.id}</span> {incident.title}
          </h1>
          <div className="room-badges">
            <SeverityBadge severity={incident.severity} />
            <StatusBadge status={incident.status} />
            <span className={`live live-${live}`} role="status">
              <span aria-hidden="true">● </span>
              {LIVE_LABEL[live]}
            </span>
          </div>
        </div>
        <dl className="facts">
          <div>
            <dt>Commander</dt>
            <dd data-testid="commander">{incident.roles.commander ?? <span className="warn-text">unassigned</span>}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>{formatDuration(resolved ? incident.derived.durationMs : now - Date.parse(incident.declaredAt))}</dd>
          </div>
          <div>
            <dt>Next update</dt>
            <dd>
              <Countdown dueAt={incident.derived.nextUpdateDueAt} now={now} />
            </dd>
          </div>
          <div>
            <dt>Response target</dt>
            <dd>
              {incident.derived.responseTargetMet === null ? (
                `pending (< ${level ? formatPolicyDuration(level.responseTimeMs) : '…'})`
              ) : incident.derived.responseTargetMet ? (
                'met'
              ) : (
                <span className="warn-text">missed</span>
              )}
            </dd>
          </div>
          <div>
            <dt>Declared</dt>
            <dd title={formatUtc(incident.declaredAt)}>
              {formatTime(incident.declaredAt)} by {incident.createdBy}
            </dd>
          </div>
          {incident.resolvedAt && (
            <div>
              <dt>Resolved</dt>
              <dd title={formatUtc(incident.resolvedAt)}>{formatTime(incident.resolvedAt)}</dd>
            </div>
          )}
        </dl>
        {canWrite && !resolved && (
          <div className="actions">
            {!isCommander && (
              <button
                type="button"
                className="primary"
                disabled={header.busy}
                onClick={() =>
                  void header.run(async () => apply(await api.assignRole(incident.id, { role: 'commander', to: session.name })))
                }
              >
                {incident.roles.commander ? `Take over as IC from ${incident.roles.commander}` : "I'll be IC"}
              </button>
            )}
            {!incident.acknowledgedAt && incident.roles.commander && (
              <button type="button" disabled={header.busy} onClick={() => void header.run(async () => apply(await api.ack(incident.id)))}>
                Acknowledge
              </button>
            )}
          </div>
        )}
        <ErrorBanner error={header.error} />
        {resolved && (
          <p>
            <Link href={`/incidents/${incident.id}/postmortem`}>Post-mortem for {incident.id}</Link>
          </p>
        )}
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
          <ImpactPanel incident={incident} />
          <TriageFindings incidentId={incident.id} entries={entries} canWrite={canWrite && !resolved} />
          <EntryList title="Findings on the timeline" kind="finding" entries={entries} empty="No findings yet." />
          <RemediationRuns incidentId={incident.id} entries={entries} />
          <EntryList title="Actions on the timeline" kind="action" entries={entries} empty="No actions recorded." />
          <EntryList title="Decisions" kind="decision" entries={entries} empty="No decisions recorded." />
          <ActionItems incidentId={incident.id} />
        </aside>
      </div>

      {canWrite && level && (
        <UpdateComposer
          key={incident.id}
          incident={incident}
          cadenceMinutes={Math.round(level.updateCadenceMs / 60_000)}
          publicByDefault={level.publicUpdates}
          onPost={(u) => postUpdate(incident.id, u, apply)}
          onPreview={preview}
        />
      )}
    </div>
  );
}

/** POST /api/v1/incidents/:id/updates (coordination): records the update, resets the cadence clock, posts the public text. */
async function postUpdate(id: string, u: UpdatePost, apply: (r: { incident: Incident; entries: TimelineEntry[] }) => void) {
  const r = await request<{ incident: Incident; entries: TimelineEntry[] }>(
    'POST',
    `/api/v1/incidents/${encodeURIComponent(id)}/updates`,
    u,
  );
  apply({ incident: r.incident, entries: r.entries ?? [] });
}

/** The same call as a dry run: what the server would send where, rendered by its own templates. */
function previewUpdate(id: string, u: UpdatePost): Promise<UpdatePlan> {
  return request<UpdatePlan>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/updates`, { ...u, dry_run: true });
}
