import { useState } from 'react';
import { api } from '../../api/client.js';
import type { Incident } from '../../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../../components/form.js';
import { useSubmit } from '../../lib/use-submit.js';
import type { OnChange } from './on-change.js';

/** A resolved incident: reopen it, with the reason. */
export function ReopenForm({ incident, onDone }: { incident: Incident; onDone: OnChange }) {
  const [reason, setReason] = useState('');
  const a = useSubmit();
  return (
    <form
      className="card"
      noValidate
      aria-labelledby="reopen-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void a.run(async () => onDone(await api.reopen(incident.id, { reason: reason.trim() || null })));
      }}
    >
      <h2 id="reopen-heading">Resolved</h2>
      <Field label="Reason to reopen" error={fieldError(a.error, 'reason')}>
        {(p) => <input {...p} name="reopen-reason" value={reason} onChange={(e) => setReason(e.target.value)} />}
      </Field>
      <ErrorBanner error={bannerError(a.error, ['reason'])} />
      <button type="submit" disabled={a.busy}>
        Reopen incident
      </button>
    </form>
  );
}
