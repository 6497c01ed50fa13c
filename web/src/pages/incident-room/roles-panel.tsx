import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.js';
import { INCIDENT_ROLES, type Incident, type IncidentRole } from '../../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../../components/form.js';
import { useSubmit } from '../../lib/use-submit.js';
import type { OnChange } from './on-change.js';

const ROLE_LABEL: Record<IncidentRole, string> = {
  commander: 'Incident commander',
  comms_lead: 'Communications lead',
  scribe: 'Scribe',
  responder: 'Responder',
};

/** Who holds each role, and (for writers) assigning one or handing over command. */
export function RolesPanel({ incident, canWrite, onDone }: { incident: Incident; canWrite: boolean; onDone: OnChange }) {
  const [role, setRole] = useState<IncidentRole>('commander');
  const [to, setTo] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useSubmit();
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
        <div>
          <dt>{ROLE_LABEL.commander}</dt>
          <dd>{incident.roles.commander ?? '—'}</dd>
        </div>
        <div>
          <dt>{ROLE_LABEL.comms_lead}</dt>
          <dd>{incident.roles.comms_lead ?? '—'}</dd>
        </div>
        <div>
          <dt>{ROLE_LABEL.scribe}</dt>
          <dd>{incident.roles.scribe ?? '—'}</dd>
        </div>
        <div>
          <dt>Responders</dt>
          <dd>{incident.roles.responders.length ? incident.roles.responders.join(', ') : '—'}</dd>
        </div>
      </dl>
      {canWrite && (
        <form onSubmit={submit} noValidate aria-label="Assign or hand over a role">
          <Field label="Role" error={fieldError(a.error, 'role')}>
            {(p) => (
              <select {...p} name="role" value={role} onChange={(e) => setRole(e.target.value as IncidentRole)}>
                {INCIDENT_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {ROLE_LABEL[r]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={role === 'commander' && incident.roles.commander ? 'Hand over to' : 'Person'}
            error={localError ?? fieldError(a.error, 'to')}
          >
            {(p) => <input {...p} name="role-to" value={to} onChange={(e) => setTo(e.target.value)} autoComplete="off" />}
          </Field>
          <ErrorBanner error={bannerError(a.error, ['role', 'to'])} />
          <button type="submit" disabled={a.busy}>
            {role === 'commander' && incident.roles.commander ? 'Hand over command' : 'Assign'}
          </button>
        </form>
      )}
    </section>
  );
}
