import { useState, type FormEvent } from 'react';
import { api } from '../api/client.js';
import type { Incident, Severity, SeverityLevel } from '../api/types.js';
import { SeverityBadge } from '../components/badges.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../components/form.js';
import { formatPolicyDuration } from '../lib/time.js';
import { useSession } from '../session.js';

const TITLE_MAX = 200;

/**
 * Declare an incident. Each severity option carries the seed's impact, examples, response time
 * and cadence, so the person classifying reads the table while choosing.
 */
export function DeclareForm({
  levels,
  onDeclared,
  onCancel,
}: {
  levels: SeverityLevel[];
  onDeclared: (i: Incident) => void;
  onCancel: () => void;
}) {
  const { session } = useSession();
  const [title, setTitle] = useState('');
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [impact, setImpact] = useState('');
  const [services, setServices] = useState('');
  const [takeCommand, setTakeCommand] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [apiError, setApiError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const t = title.trim();
    if (!t) errs.title = 'Give the incident a short title, e.g. "Checkout returns 502".';
    else if (t.length > TITLE_MAX) errs.title = `At most ${TITLE_MAX} characters (now ${t.length}).`;
    if (!severity) errs.severity = 'Choose a severity: use the impact column; when unsure, pick the higher one.';
    const list = services
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (list.some((s) => !/^[A-Za-z0-9_.-]+$/.test(s))) errs.services = 'Service names use letters, digits, . _ - separated by commas.';
    setErrors(errs);
    setApiError(null);
    if (Object.keys(errs).length) {
      document.getElementById(`declare-${Object.keys(errs)[0]}`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const r = await api.declare({
        title: t,
        severity,
        impact: impact.trim() || null,
        services: list,
        commander: takeCommand ? session.name : null,
      });
      onDeclared(r.incident);
    } catch (err) {
      setApiError(err);
    } finally {
      setBusy(false);
    }
  }

  const err = (f: string) => errors[f] ?? fieldError(apiError, f);
  return (
    <form className="card declare-form" onSubmit={submit} noValidate aria-labelledby="declare-heading">
      <h2 id="declare-heading">Declare an incident</h2>
      <Field id="declare-title" label="Title" error={err('title')} hint="One line: what is broken, as users see it.">
        {(p) => <input {...p} name="title" value={title} maxLength={TITLE_MAX + 50} onChange={(e) => setTitle(e.target.value)} autoFocus />}
      </Field>
      <fieldset
        className={err('severity') ? 'severity-choices field-invalid' : 'severity-choices'}
        aria-describedby={err('severity') ? 'declare-severity-err' : undefined}
      >
        <legend>Severity</legend>
        {levels.map((l, i) => (
          <label key={l.id} className={`severity-choice sev-border-${l.id.toLowerCase()}`}>
            <input
              type="radio"
              name="severity"
              value={l.id}
              id={i === 0 ? 'declare-severity' : undefined}
              checked={severity === l.id}
              onChange={() => setSeverity(l.id)}
            />
            <span className="choice-body">
              <span className="choice-head">
                <SeverityBadge severity={l.id} /> <strong>{l.impact}</strong>
              </span>
              <span className="choice-detail">
                e.g. {l.examples.join(', ')} · respond &lt; {formatPolicyDuration(l.responseTimeMs)} · updates every{' '}
                {formatPolicyDuration(l.updateCadenceMs)}
                {l.publicUpdates ? ' · status page updated' : ''}
              </span>
              <span className="choice-detail">{l.escalation}</span>
            </span>
          </label>
        ))}
        {err('severity') && (
          <div className="field-error" id="declare-severity-err" role="alert">
            {err('severity')}
          </div>
        )}
      </fieldset>
      <Field label="Impact (optional)" error={err('impact')} hint="What users are experiencing.">
        {(p) => <textarea {...p} name="impact" rows={2} value={impact} onChange={(e) => setImpact(e.target.value)} />}
      </Field>
      <Field id="declare-services" label="Affected services (optional)" error={err('services')} hint="Comma separated, e.g. backend, db">
        {(p) => <input {...p} name="services" value={services} onChange={(e) => setServices(e.target.value)} />}
      </Field>
      <label className="checkbox">
        <input type="checkbox" checked={takeCommand} onChange={(e) => setTakeCommand(e.target.checked)} /> I'll be incident commander (
        {session.name})
      </label>
      <ErrorBanner error={bannerError(apiError, ['title', 'severity', 'impact', 'services', 'commander'])} />
      <div className="actions">
        <button type="submit" className="primary danger" disabled={busy}>
          {busy ? 'Declaring…' : 'Declare incident'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
