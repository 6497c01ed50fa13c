import { useEffect, useState, type FormEvent } from 'react';
import { STATUSES, type Incident, type Status } from '../api/types.js';
import {
  publicStateOf,
  renderInternalUpdate,
  renderPublicUpdate,
  renderTimelineEntry,
  STATUS_LABEL,
  type UpdateDraft,
} from '../lib/templates.js';
import { useNow } from '../lib/time.js';
import { bannerError, ErrorBanner, Field, fieldError } from './form.js';

/** The body of POST /api/v1/incidents/:id/updates. */
export interface UpdatePost {
  status: Status;
  findings: string;
  actions: string;
  /** Public description for the status page, or null. */
  public: string | null;
  eta: string | null;
}

/** The server's dry run: exactly what would be sent where. */
export interface UpdatePlan {
  messages: { channel: string; target: string; kind: string; summary: string; text: string }[];
  statusPage: { state: string; title: string; text: string }[];
  nextUpdateDueAt: string | null;
}

export interface UpdateComposerProps {
  incident: Pick<Incident, 'id' | 'title' | 'severity' | 'status' | 'declaredAt' | 'services'>;
  /** The severity's update cadence in minutes. */
  cadenceMinutes: number;
  /** Whether this severity always updates the status page (seed: SEV1/SEV2). */
  publicByDefault: boolean;
  /** Posts the update; rejects with the API error, which is shown. */
  onPost: (u: UpdatePost) => Promise<void>;
  /** Asks the server what it would send (dry run); when given, the preview is the server's own rendering. */
  onPreview?: (u: UpdatePost) => Promise<UpdatePlan>;
  /** Fixed clock for tests. */
  now?: number;
}

/**
 * The update composer: fills the seed's IC update template and the status page template from
 * the incident and a few fields, and previews what will be posted where — from the server's
 * dry run when available, so custom templates and channel routing show exactly.
 */
export function UpdateComposer({ incident, cadenceMinutes, publicByDefault, onPost, onPreview, now }: UpdateComposerProps) {
  const ticking = useNow(1000);
  const t = now ?? ticking;
  const [draft, setDraft] = useState<UpdateDraft>({ status: incident.status, findings: '', actions: '', description: '', eta: '' });
  const [postPublic, setPostPublic] = useState(publicByDefault);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [posted, setPosted] = useState(false);
  const [plan, setPlan] = useState<{ key: string; plan: UpdatePlan } | null>(null);

  // Follow the incident's status (changed elsewhere) until the person picks one here.
  const [statusTouched, setStatusTouched] = useState(false);
  useEffect(() => {
    if (!statusTouched) setDraft((d) => ({ ...d, status: incident.status }));
  }, [incident.status, statusTouched]);
  const isPublic = publicByDefault || postPublic;
  const body: UpdatePost = {
    status: draft.status,
    findings: draft.findings.trim(),
    actions: draft.actions.trim(),
    public: isPublic && draft.description.trim() ? draft.description.trim() : null,
    eta: isPublic && draft.eta.trim() && draft.status === 'identified' ? draft.eta.trim() : null,
  };
  const key = JSON.stringify(body);
  const serverPlan = plan?.key === key ? plan.plan : null;

  useEffect(() => {
    if (!onPreview || !body.findings || !body.actions) return;
    const timer = setTimeout(() => {
      onPreview(JSON.parse(key) as UpdatePost).then(
        (p) => setPlan({ key, plan: p }),
        () => {},
      );
    }, 400);
    return () => clearTimeout(timer);
  }, [key, onPreview]);

  const set = <K extends keyof UpdateDraft>(k: K, v: UpdateDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setPosted(false);
  };
  const internalText = renderInternalUpdate(incident, draft, t, cadenceMinutes);
  const publicTexts = serverPlan
    ? serverPlan.statusPage
    : isPublic
      ? [{ state: publicStateOf(draft.status), title: incident.title, text: renderPublicUpdate(incident, draft, cadenceMinutes) }]
      : [];

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!draft.findings.trim()) errs.findings = 'Say what we know so far (or "Still investigating").';
    if (!draft.actions.trim()) errs.actions = draft.status === 'resolved' ? 'Say what fixed it.' : 'Say what we are doing now.';
    if (postPublic && !publicByDefault && !draft.description.trim())
      errs.description = 'Write the public description, or untick the status page box.';
    setErrors(errs);
    setApiError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await onPost(body);
      setPosted(true);
      setDraft((d) => ({ ...d, findings: '', actions: '' }));
      setStatusTouched(false);
    } catch (err) {
      setApiError(err);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors[f] ?? fieldError(apiError, f);
  const descriptionLabel =
    draft.status === 'investigating'
      ? 'Public description: what users see (optional)'
      : draft.status === 'resolved'
        ? 'Public root cause, in brief'
        : 'Public description: identified as';
  return (
    <form className="card composer" onSubmit={submit} noValidate aria-labelledby="composer-heading">
      <h2 id="composer-heading">Post an update</h2>
      <div className="grid-2">
        <div>
          <Field label="Status" error={err('status')}>
            {(p) => (
              <select
                {...p}
                value={draft.status}
                onChange={(e) => {
                  setStatusTouched(true);
                  set('status', e.target.value as Status);
                }}
              >
                {STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {STATUS_LABEL[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Current findings" error={err('findings')}>
            {(p) => <textarea {...p} name="findings" rows={2} value={draft.findings} onChange={(e) => set('findings', e.target.value)} />}
          </Field>
          <Field label="Actions in progress" error={err('actions')}>
            {(p) => <textarea {...p} name="actions" rows={2} value={draft.actions} onChange={(e) => set('actions', e.target.value)} />}
          </Field>
          {publicByDefault ? (
            <p className="hint">{incident.severity} updates always go to the public status page.</p>
          ) : (
            <label className="checkbox">
              <input
                type="checkbox"
                checked={postPublic}
                onChange={(e) => {
                  setPostPublic(e.target.checked);
                  setPosted(false);
                }}
              />{' '}
              Also post on the public status page
            </label>
          )}
          {isPublic && (
            <>
              <Field
                label={descriptionLabel}
                error={err('description') ?? fieldError(apiError, 'public')}
                hint="Public: no names, no internal details."
              >
                {(p) => <input {...p} name="description" value={draft.description} onChange={(e) => set('description', e.target.value)} />}
              </Field>
              {draft.status === 'identified' && (
                <Field label="Estimated resolution (public)" error={err('eta')} hint='e.g. "within 30 minutes"'>
                  {(p) => <input {...p} name="eta" value={draft.eta} onChange={(e) => set('eta', e.target.value)} />}
                </Field>
              )}
            </>
          )}
        </div>
        <div className="previews">
          <h3 id="preview-internal-h">Internal update</h3>
          {serverPlan && serverPlan.messages.length > 0 ? (
            serverPlan.messages.map((m, i) => (
              <div key={i}>
                <p className="hint">
                  {m.channel} → {m.target}
                </p>
                <pre className="preview" data-testid="preview-message">
                  {m.text}
                </pre>
              </div>
            ))
          ) : (
            <>
              <pre className="preview" aria-labelledby="preview-internal-h" data-testid="preview-internal">
                {internalText}
              </pre>
              {serverPlan && <p className="hint">No notification channels are configured: the update is recorded on the timeline only.</p>}
            </>
          )}
          <h3 id="preview-timeline-h">Timeline entry</h3>
          <pre className="preview" aria-labelledby="preview-timeline-h" data-testid="preview-timeline">
            {renderTimelineEntry(draft)}
          </pre>
          {publicTexts.length > 0 && (
            <>
              <h3 id="preview-public-h">Status page{serverPlan ? '' : ' (default template)'}</h3>
              {publicTexts.map((p, i) => (
                <pre
                  key={i}
                  className="preview"
                  aria-labelledby="preview-public-h"
                  data-testid="preview-public"
                >{`[${p.state.charAt(0).toUpperCase()}${p.state.slice(1)}] ${p.text}`}</pre>
              ))}
            </>
          )}
          {serverPlan?.nextUpdateDueAt && (
            <p className="hint">Next update due {new Date(serverPlan.nextUpdateDueAt).toLocaleTimeString()}.</p>
          )}
        </div>
      </div>
      <ErrorBanner error={bannerError(apiError, ['status', 'findings', 'actions', 'public', 'eta'])} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Posting…' : isPublic ? 'Post update (internal + status page)' : 'Post internal update'}
        </button>
        {posted && (
          <span role="status" className="ok-text">
            Update posted.
          </span>
        )}
      </div>
    </form>
  );
}
