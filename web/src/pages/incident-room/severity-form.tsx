import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { SEVERITIES, type Incident, type Severity, type SeverityLevel } from '../../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../../components/form.js';
import { formatPolicyDuration } from '../../lib/time.js';
import { useSubmit } from '../../lib/use-submit.js';
import type { OnChange } from './on-change.js';

/** Changes the severity; the reason goes on the timeline. */
export function SeverityForm({ incident, levels, onDone }: { incident: Incident; levels: SeverityLevel[]; onDone: OnChange }) {
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const a = useSubmit();
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
      <Field
        label="New severity"
        error={errors.severity ?? fieldError(a.error, 'severity')}
        hint={level ? `${level.impact}. Updates every ${formatPolicyDuration(level.updateCadenceMs)}.` : undefined}
      >
        {(p) => (
          <select {...p} name="severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {s}
                {s === incident.severity ? ' (current)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Reason" error={errors.reason ?? fieldError(a.error, 'reason')}>
        {(p) => <input {...p} name="severity-reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['severity', 'reason'])} />
      <button type="submit" disabled={a.busy}>
        Change severity
      </button>
    </form>
  );
}
