import type { Incident } from '../../api/types.js';

/** What users experience, the services named, and the summary once resolved. */
export function ImpactPanel({ incident }: { incident: Incident }) {
  return (
    <section className="card" aria-labelledby="impact-heading">
      <h2 id="impact-heading">Impact and services</h2>
      <p>{incident.impact ?? <span className="muted">No impact written yet.</span>}</p>
      {incident.services.length > 0 ? (
        <ul className="tags">
          {incident.services.map((s) => (
            <li key={s}>{s}</li>
          ))}
        </ul>
      ) : (
        <p className="muted">No services named.</p>
      )}
      {incident.summary && (
        <>
          <h3>Summary</h3>
          <p>{incident.summary}</p>
        </>
      )}
    </section>
  );
}
