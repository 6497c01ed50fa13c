import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { request } from '../api/client.js';
import type { BlamelessWarning as Warning, PostmortemModel as Model } from '../api/types.js';
import { SeverityBadge } from '../components/badges.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../components/form.js';
import { Link } from '../lib/router.js';
import { formatTime, formatUtc } from '../lib/time.js';
import { useSession } from '../session.js';
import { ApiMissing } from './unavailable.js';

type Section = Model['sections'][number];

const STATE_LABEL = { draft: 'Draft', in_review: 'In review', published: 'Published' } as const;
/** The why and the answer without the "Why"/"Because" people may type (the page writes them once); as src/core/postmortem.ts whyParts. */
function whyParts(w: { why: string; because: string }) {
  const strip = (t: string, re: RegExp) => t.trim().replace(re, '').trim() || t.trim();
  return {
    why: strip(w.why, /^why\b[\s?:,.\-—…]*/i).replace(/\s*\?+$/, '') || w.why.trim(),
    because: strip(w.because, /^because\b[\s:,\-—…]*/i).replace(/\s*\.+$/, ''),
  };
}

/** "47 minutes", "1 hour 5 minutes", "3 days 2 hours": as src/core/postmortem.ts durationInWords. */
function durationInWords(ms: number): string {
  const unit = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
  if (Math.abs(ms) < 60_000) return unit(Math.round(Math.abs(ms) / 1000), 'second');
  const min = Math.round(Math.abs(ms) / 60_000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d) return [unit(d, 'day'), h ? unit(h, 'hour') : ''].filter(Boolean).join(' ');
  if (h) return [unit(h, 'hour'), m ? unit(m, 'minute') : ''].filter(Boolean).join(' ');
  return unit(m, 'minute');
}

const base = (id: string) => `/api/v1/incidents/${encodeURIComponent(id)}/postmortem`;

/** The post-mortem: generated draft, editable section by section, the Five Whys, action items, the review state, print view. */
export function PostmortemPage({ id }: { id: string }) {
  const { canWrite, session } = useSession();
  const [model, setModel] = useState<Model | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [warnings, setWarnings] = useState<Warning[]>([]);

  const load = useCallback(async () => {
    try {
      setModel(await request<Model>('GET', base(id)));
      setError(null);
    } catch (e) {
      setError(e);
    }
  }, [id]);
  useEffect(() => void load(), [load]);

  const act = async (fn: () => Promise<{ warnings?: Warning[] } | void>) => {
    setActionError(null);
    try {
      const r = await fn();
      if (r && r.warnings) setWarnings(r.warnings);
      await load();
      return true;
    } catch (e) {
      setActionError(e);
      return false;
    }
  };

  if (error)
    return (
      <>
        <h1>{id} post-mortem</h1>
        <ApiMissing error={error} what="The post-mortem" cli={`warroom postmortem ${id}`} />
      </>
    );
  if (!model) return <p aria-busy="true">Loading the post-mortem…</p>;
  const pm = model.postmortem;
  const editable = canWrite && pm.state !== 'published';
  const canPublish = session.role === 'commander' || session.role === 'admin';

  return (
    <article className="postmortem">
      <div className="page-head">
        <h1>
          Post-mortem: <Link href={`/incidents/${id}`}>{id}</Link> {model.incident.title}
        </h1>
        <div className="actions">
          <button type="button" onClick={() => window.print()}>
            Print
          </button>
          <a href={`${base(id)}?format=html`} target="_blank" rel="noopener">
            Printable document
          </a>
          <a href={`${base(id)}?format=md`}>Markdown</a>
        </div>
      </div>
      <dl className="facts card">
        <div>
          <dt>Review</dt>
          <dd data-testid="pm-state">
            {pm.createdAt ? STATE_LABEL[pm.state] : 'Not started'} ({pm.level})
          </dd>
        </div>
        <div>
          <dt>Due</dt>
          <dd>
            {pm.dueAt ? (
              <span className={pm.overdue ? 'warn-text' : undefined} title={formatUtc(pm.dueAt)}>
                {formatTime(pm.dueAt)}
                {pm.overdue ? ' — overdue' : ''}
              </span>
            ) : pm.required ? (
              '—'
            ) : (
              'not required'
            )}
          </dd>
        </div>
        <div>
          <dt>Severity</dt>
          <dd>
            <SeverityBadge severity={model.incident.severity} />
            {model.incident.peakSeverity !== model.incident.severity && <> (peak {model.incident.peakSeverity})</>}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd data-testid="pm-duration">{model.durations.ttr.ms === null ? 'not resolved' : durationInWords(model.durations.ttr.ms)}</dd>
        </div>
        <div>
          <dt>Time to acknowledge</dt>
          <dd>{model.durations.tta.text}</dd>
        </div>
        <div>
          <dt>Time to mitigate</dt>
          <dd>{model.durations.ttm.text}</dd>
        </div>
        <div>
          <dt>Time to resolve</dt>
          <dd>{model.durations.ttr.text}</dd>
        </div>
        {pm.publishedAt && (
          <div>
            <dt>Published</dt>
            <dd>
              {formatTime(pm.publishedAt)} by {pm.publishedBy}
            </dd>
          </div>
        )}
      </dl>
      {canWrite && (
        <div className="actions">
          {!pm.createdAt && (
            <button type="button" className="primary" onClick={() => void act(() => request('POST', base(id)))}>
              Start the review
            </button>
          )}
          {pm.createdAt && pm.state === 'draft' && (
            <button type="button" className="primary" onClick={() => void act(() => request('POST', `${base(id)}/submit`))}>
              Submit for review
            </button>
          )}
          {pm.state === 'in_review' && canPublish && (
            <button type="button" className="primary ok" onClick={() => void act(() => request('POST', `${base(id)}/publish`))}>
              Publish
            </button>
          )}
          {pm.state === 'in_review' && !canPublish && <span className="hint">A commander publishes the review.</span>}
        </div>
      )}
      <ErrorBanner error={actionError} />
      {warnings.length > 0 && (
        <div className="card warn-card" role="status">
          <h2>Blameless check</h2>
          <ul>
            {warnings.map((w, i) => (
              <li key={i}>
                “{w.sentence}” — {w.reason} {w.suggestion}
              </li>
            ))}
          </ul>
        </div>
      )}
      {model.sections.map((s) => (
        <SectionEditor
          key={s.key}
          id={id}
          section={s}
          editable={editable}
          onSaved={(w) => {
            setWarnings(w);
            void load();
          }}
        />
      ))}
      <section className="card" aria-labelledby="whys-heading">
        <h2 id="whys-heading">Five Whys</h2>
        {model.whys.length === 0 ? (
          <p className="muted">{model.whysPrompt}</p>
        ) : (
          <ol>
            {model.whys.map(whyParts).map((w, i) => (
              <li key={i}>
                Why {w.why}? — Because {w.because}.
              </li>
            ))}
          </ol>
        )}
        {editable && <WhyForm id={id} onAdded={() => void load()} />}
      </section>
      <section className="card" aria-labelledby="pm-actions-heading">
        <h2 id="pm-actions-heading">Action items</h2>
        {model.actionItems.length === 0 ? (
          <p className="muted">None yet. Every finding should produce an action item with an owner and a due date.</p>
        ) : (
          <ul className="entry-list">
            {model.actionItems.map((a) => (
              <li key={a.id}>
                {a.status === 'done' ? '✓ ' : ''}
                <strong>{a.title}</strong>{' '}
                <span className="muted">
                  — {a.owner}, {a.kind}, due {a.dueDate}
                </span>
                {a.overdue && a.status === 'open' && <strong className="warn-text"> overdue</strong>}
                {canWrite && a.status === 'open' && (
                  <>
                    {' '}
                    <button
                      type="button"
                      className="link-button"
                      onClick={() => void act(() => request('POST', `/api/v1/action-items/${a.id}/done`))}
                    >
                      Mark done
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
        {canWrite && <ActionItemForm id={id} onAdded={() => void load()} />}
      </section>
      <section className="card" aria-labelledby="pm-timeline-heading">
        <h2 id="pm-timeline-heading">Timeline</h2>
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Time (UTC)</th>
                <th scope="col">+</th>
                <th scope="col">Phase</th>
                <th scope="col">What happened</th>
              </tr>
            </thead>
            <tbody>
              {model.timeline.slice(0, 500).map((e) => (
                <tr key={e.id}>
                  <td>{formatUtc(e.at)}</td>
                  <td>{e.offset}</td>
                  <td>{e.phase}</td>
                  <td>
                    {e.text} <span className="muted">— {e.author}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {model.timeline.length > 500 && (
          <p className="muted">First 500 of {model.timeline.length} entries; the printable document has them all.</p>
        )}
      </section>
    </article>
  );
}

function SectionEditor({
  id,
  section,
  editable,
  onSaved,
}: {
  id: string;
  section: Section;
  editable: boolean;
  onSaved: (w: Warning[]) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(section.content ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const hid = `section-${section.key}`;
  async function save(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await request<{ warnings: Warning[] }>('PUT', `${base(id)}/sections/${section.key}`, { text });
      setEditing(false);
      onSaved(r.warnings);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="card" aria-labelledby={hid}>
      <h2 id={hid}>
        {section.title} {section.source === 'record' && <span className="muted">(from the record)</span>}
      </h2>
      {editing ? (
        <form onSubmit={save} noValidate>
          <Field label={`${section.title} text`} error={fieldError(error, 'text')} hint={section.prompt}>
            {(p) => <textarea {...p} rows={6} value={text} onChange={(e) => setText(e.target.value)} autoFocus />}
          </Field>
          <ErrorBanner error={bannerError(error, ['text'])} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              Save {section.title.toLowerCase()}
            </button>
            <button
              type="button"
              onClick={() => {
                setEditing(false);
                setText(section.content ?? '');
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      ) : (
        <>
          {section.content ? <p className="pm-text">{section.content}</p> : <p className="muted">{section.prompt}</p>}
          {section.hints.length > 0 && (
            <ul className="hint">
              {section.hints.map((h, i) => (
                <li key={i}>{h}</li>
              ))}
            </ul>
          )}
          {editable && (
            <button
              type="button"
              onClick={() => {
                setText(section.content ?? '');
                setEditing(true);
              }}
            >
              Edit {section.title.toLowerCase()}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function WhyForm({ id, onAdded }: { id: string; onAdded: () => void }) {
  const [why, setWhy] = useState('');
  const [because, setBecause] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!why.trim()) errs.why = 'Ask the question.';
    if (!because.trim()) errs.because = 'Give the answer.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      await request('POST', `${base(id)}/whys`, { why: why.trim(), because: because.trim() });
      setWhy('');
      setBecause('');
      setError(null);
      onAdded();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Add a why" className="grid-2">
      <Field label="Why…?" error={errors.why ?? fieldError(error, 'why')}>
        {(p) => <input {...p} value={why} onChange={(e) => setWhy(e.target.value)} />}
      </Field>
      <Field label="Because…" error={errors.because ?? fieldError(error, 'because')}>
        {(p) => <input {...p} value={because} onChange={(e) => setBecause(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(error, ['why', 'because'])} />
      <div>
        <button type="submit">Add why</button>
      </div>
    </form>
  );
}

function ActionItemForm({ id, onAdded }: { id: string; onAdded: () => void }) {
  const [title, setTitle] = useState('');
  const [owner, setOwner] = useState('');
  const [due, setDue] = useState('');
  const [kind, setKind] = useState('fix');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!title.trim()) errs.title = 'Say what must be done.';
    if (!owner.trim()) errs.owner = 'Every action item needs an owner.';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(due)) errs.due = 'Pick a due date.';
    setErrors(errs);
    if (Object.keys(errs).length) return;
    try {
      await request('POST', `/api/v1/incidents/${encodeURIComponent(id)}/action-items`, {
        title: title.trim(),
        owner: owner.trim(),
        due,
        kind,
      });
      setTitle('');
      setError(null);
      onAdded();
    } catch (err) {
      setError(err);
    }
  }
  return (
    <form onSubmit={submit} noValidate aria-label="Add an action item">
      <Field label="Action item" error={errors.title ?? fieldError(error, 'title')}>
        {(p) => <input {...p} value={title} onChange={(e) => setTitle(e.target.value)} />}
      </Field>
      <div className="grid-2">
        <Field label="Owner" error={errors.owner ?? fieldError(error, 'owner')}>
          {(p) => <input {...p} value={owner} onChange={(e) => setOwner(e.target.value)} />}
        </Field>
        <Field label="Due date" error={errors.due ?? fieldError(error, 'due')}>
          {(p) => <input {...p} type="date" value={due} onChange={(e) => setDue(e.target.value)} />}
        </Field>
      </div>
      <Field label="Kind" error={fieldError(error, 'kind')}>
        {(p) => (
          <select {...p} value={kind} onChange={(e) => setKind(e.target.value)}>
            <option value="fix">fix (root cause in code)</option>
            <option value="monitoring">monitoring (alert rules)</option>
            <option value="test">test (regression)</option>
            <option value="runbook">runbook</option>
          </select>
        )}
      </Field>
      <ErrorBanner error={bannerError(error, ['title', 'owner', 'due', 'kind'])} />
      <button type="submit">Add action item</button>
    </form>
  );
}
