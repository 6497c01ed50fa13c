import { useEffect, useState } from 'react';
import { request } from '../../api/client.js';
import type { ActionItem } from '../../api/types.js';
import { ErrorBanner } from '../../components/form.js';

/** Action items from the post-mortem API (GET /api/v1/action-items?incident=…). */
export function ActionItems({ incidentId }: { incidentId: string }) {
  const [items, setItems] = useState<ActionItem[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    request<{ actionItems: ActionItem[] }>('GET', `/api/v1/action-items?incident=${encodeURIComponent(incidentId)}&status=all`).then(
      (r) => setItems(r.actionItems),
      setError,
    );
  }, [incidentId]);
  return (
    <section className="card" aria-labelledby="action-items-heading">
      <h2 id="action-items-heading">Action items</h2>
      <ErrorBanner error={error} />
      {items === null ? (
        !error && <p aria-busy="true">Loading…</p>
      ) : items.length === 0 ? (
        <p className="muted">No action items yet (add them on the post-mortem).</p>
      ) : (
        <ul className="entry-list">
          {items.map((i) => (
            <li key={i.id}>
              {i.status === 'done' ? '✓ ' : ''}
              {i.title}{' '}
              <span className="muted">
                — {i.owner}, {i.kind}, due {i.dueDate}, {i.status}
              </span>
              {i.overdue && i.status === 'open' && <strong className="warn-text"> overdue</strong>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
