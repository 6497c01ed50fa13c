import { useState, type FormEvent } from 'react';
import { STATUSES, type Incident, type Status } from '../api/types.js';
import { renderInternalUpdate, renderPublicUpdate, unfilledPlaceholders, type UpdateDraft } from '../lib/templates.js';
import { useNow } from '../lib/time.js';
import { bannerError, ErrorBanner, Field, fieldError } from './form.js';

export interface UpdatePost {
  status: Status;
  findings: string;
  actions: string;
  nextInMinutes: number;
  /** Exactly the text previewed as internal. */
  internalText: string;
  /** Exactly the text previewed for the status page, or null when not posting publicly. */
  publicText: string | null;
}

export interface UpdateComposerProps {
  incident: Pick<Incident, 'id' | 'title' | 'severity' | 'status' | 'declaredAt' | 'services'>;
  /** The severity's update cadence in minutes (default for "next update in"). */
  cadenceMinutes: number;
  /** Whether this severity updates the status page by default (seed: SEV1/SEV2). */
  publicByDefault: boolean;
  /** Posts the update; rejects with the API error, which is shown. */
  onPost: (u: UpdatePost) => Promise<void>;
  /** Fixed clock for tests. */
  now?: number;
}

/**
 * The update composer: fills the seed's IC update template and the status page template from
 * the incident and a few fields, and previews exactly what will be posted where.
 */
export function UpdateComposer({ incident, cadenceMinutes, publicByDefault, onPost, now }: UpdateComposerProps) {
  const ticking = useNow(15_000);
  const t = now ?? ticking;
  const [draft, setDraft] = useState<UpdateDraft>({ status: incident.status, findings: '', actions: '', nextInMinutes: cadenceMinutes, issue: '', impact: '', cause: '', eta: '' });
  const [postPublic, setPostPublic] = useState(publicByDefault);
  const [publicOverride, setPublicOverride] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [posted, setPosted] = useState(false);

  const set = <K extends keyof UpdateDraft>(k: K, v: UpdateDraft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setPosted(false);
  };
  const internalText = renderInternalUpdate(incident, draft, t);
  const publicText = publicOverride ?? renderPublicUpdate(incident, draft);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!draft.findings.trim()) errs.findings = 'Say what we know so far (or "Still investigating").';
    if (!draft.actions.trim() && draft.status !== 'resolved') errs.actions = 'Say what we are doing now.';
    if (!Number.isInteger(draft.nextInMinutes) || draft.nextInMinutes < 1 || draft.nextInMinutes > 7 * 24 * 60) errs.nextInMinutes = 'A whole number of minutes between 1 and 10080.';
    if (postPublic) {
      const left = unfilledPlaceholders(publicText);
      if (left.length) errs.publicText = `Fill in ${left.join(', ')} before posting publicly.`;
      else if (!publicText.trim()) errs.publicText = 'The public text is empty.';
    }
    setErrors(errs);
    setApiError(null);
    if (Object.keys(errs).length) return;
    setBusy(true);
    try {
      await onPost({ status: draft.status, findings: draft.findings.trim(), actions: draft.actions.trim(), nextInMinutes: draft.nextInMinutes, internalText, publicText: postPublic ? publicText : null });
      setPosted(true);
    } catch (err) {
      setApiError(err);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors[f] ?? fieldError(apiError, f);
  const showCause = draft.status !== 'investigating';
  return (
    <form className="card composer" onSubmit={submit} noValidate aria-labelledby="composer-heading">
      <h2 id="composer-heading">Post an update</h2>
      <div className="grid-2">
        <div>
          <Field label="Status" error={err('status')}>
            {(p) => (
              <select {...p} value={draft.status} onChange={(e) => set('status', e.target.value as Status)}>
                {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
              </select>
            )}
          </Field>
          <Field label="Current findings" error={err('findings')}>
            {(p) => <textarea {...p} name="findings" rows={2} value={draft.findings} onChange={(e) => set('findings', e.target.value)} />}
          </Field>
          <Field label="Actions in progress" error={err('actions')}>
            {(p) => <textarea {...p} name="actions" rows={2} value={draft.actions} onChange={(e) => set('actions', e.target.value)} />}
          </Field>
          <Field label="Next update in (minutes)" error={err('nextInMinutes')} hint={`Cadence for ${incident.severity}: ${cadenceMinutes} minutes`}>
            {(p) => <input {...p} name="nextInMinutes" type="number" min={1} inputMode="numeric" value={Number.isNaN(draft.nextInMinutes) ? '' : draft.nextInMinutes} onChange={(e) => set('nextInMinutes', e.target.value === '' ? Number.NaN : Number(e.target.value))} />}
          </Field>
          <label className="checkbox"><input type="checkbox" checked={postPublic} onChange={(e) => { setPostPublic(e.target.checked); setPosted(false); }} /> Also post on the public status page{publicByDefault ? ' (default for this severity)' : ''}</label>
          {postPublic && publicOverride === null && (
            <>
              {draft.status === 'investigating' && (
                <>
                  <Field label="Issue, as users see it" error={err('issue')} hint='e.g. "errors when checking out"'>
                    {(p) => <input {...p} name="issue" value={draft.issue} onChange={(e) => set('issue', e.target.value)} />}
                  </Field>
                  <Field label="User-visible impact" error={err('impact')} hint='e.g. "failed payments"'>
                    {(p) => <input {...p} name="impact" value={draft.impact} onChange={(e) => set('impact', e.target.value)} />}
                  </Field>
                </>
              )}
              {showCause && (
                <Field label={draft.status === 'resolved' ? 'Root cause (brief, public)' : 'Identified as (brief, public)'} error={err('cause')}>
                  {(p) => <input {...p} name="cause" value={draft.cause} onChange={(e) => set('cause', e.target.value)} />}
                </Field>
              )}
              {(draft.status === 'identified' || draft.status === 'mitigating') && (
                <Field label="Estimated resolution" error={err('eta')} hint='e.g. "within 30 minutes"'>
                  {(p) => <input {...p} name="eta" value={draft.eta} onChange={(e) => set('eta', e.target.value)} />}
                </Field>
              )}
            </>
          )}
        </div>
        <div className="previews">
          <h3 id="preview-internal-h">Internal update (incident channel and timeline)</h3>
          <pre className="preview" aria-labelledby="preview-internal-h" data-testid="preview-internal">{internalText}</pre>
          {postPublic && (
            <>
              <h3 id="preview-public-h">Status page</h3>
              {publicOverride === null ? (
                <>
                  <pre className="preview" aria-labelledby="preview-public-h" data-testid="preview-public">{publicText}</pre>
                  <button type="button" className="link-button" onClick={() => setPublicOverride(publicText)}>Edit the public wording</button>
                </>
              ) : (
                <>
                  <Field label="Public text (posted exactly as written)" error={err('publicText')}>
                    {(p) => <textarea {...p} name="publicText" rows={4} value={publicOverride} onChange={(e) => { setPublicOverride(e.target.value); setPosted(false); }} />}
                  </Field>
                  <button type="button" className="link-button" onClick={() => setPublicOverride(null)}>Back to the template</button>
                </>
              )}
              {publicOverride === null && errors.publicText && <div className="field-error" role="alert">{errors.publicText}</div>}
            </>
          )}
        </div>
      </div>
      <ErrorBanner error={bannerError(apiError, ['status', 'findings', 'actions', 'nextInMinutes', 'publicText', 'public'])} />
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>{busy ? 'Posting…' : postPublic ? 'Post update (internal + status page)' : 'Post internal update'}</button>
        {posted && <span role="status" className="ok-text">Update posted.</span>}
      </div>
    </form>
  );
}
