import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { STATUSES, type Incident, type Status } from '../../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../../components/form.js';
import { useSubmit } from '../../lib/use-submit.js';
import type { OnChange } from './on-change.js';

/** Moves the incident on (resolving it takes the summary). */
export function StatusForm({ incident, onDone }: { incident: Incident; onDone: OnChange }) {
  const next = STATUSES[Math.min(STATUSES.indexOf(incident.status) + 1, STATUSES.length - 1)];
  const [status, setStatus] = useState<Status>(next);
  const [note, setNote] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useSubmit();
  useEffect(() => setStatus(STATUSES[Math.min(STATUSES.indexOf(incident.status) + 1, STATUSES.length - 1)]), [incident.status]);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (status === incident.status) {
      setLocalError(`It is already ${status}.`);
      return;
    }
    setLocalError(null);
    const ok = await a.run(async () =>
      onDone(
        status === 'resolved'
          ? await api.resolve(incident.id, { summary: note.trim() || null })
          : await api.setStatus(incident.id, { status, note: note.trim() || null }),
      ),
    );
    if (ok) setNote('');
  }
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="status-heading">
      <h2 id="status-heading">Status</h2>
      <Field label="New status" error={localError ?? fieldError(a.error, 'status')}>
        {(p) => (
          <select {...p} name="status" value={status} onChange={(e) => setStatus(e.target.value as Status)}>
            {STATUSES.map((s) => (
              <option key={s} value={s} disabled={s === incident.status}>
                {s}
                {s === incident.status ? ' (current)' : ''}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label={status === 'resolved' ? 'Resolution summary (optional)' : 'Note (optional)'}
        error={fieldError(a.error, status === 'resolved' ? 'summary' : 'note')}
      >
        {(p) => <input {...p} name="status-note" value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['status', 'note', 'summary'])} />
      <button type="submit" className={status === 'resolved' ? 'primary ok' : 'primary'} disabled={a.busy}>
        {status === 'resolved' ? 'Resolve incident' : `Set status to ${status}`}
      </button>
    </form>
  );
}
