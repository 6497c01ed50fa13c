import type { SeverityLevel } from '../api/types.js';
import { formatPolicyDuration } from '../lib/time.js';
import { SeverityBadge } from './badges.js';

/** The seed's severity table, from the policy in force (GET /api/v1/severities). */
export function SeverityTable({ levels, caption = 'Severity levels' }: { levels: SeverityLevel[]; caption?: string }) {
  return (
    <div className="table-scroll">
      <table className="severity-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Severity</th>
            <th scope="col">Impact</th>
            <th scope="col">Examples</th>
            <th scope="col">Response time</th>
            <th scope="col">Update cadence</th>
            <th scope="col">Escalation</th>
          </tr>
        </thead>
        <tbody>
          {levels.map((l) => (
            <tr key={l.id}>
              <th scope="row">
                <SeverityBadge severity={l.id} /> <span className="muted">({l.priority})</span>
              </th>
              <td>{l.impact}</td>
              <td>{l.examples.join(', ')}</td>
              <td>&lt; {formatPolicyDuration(l.responseTimeMs)}</td>
              <td>every {formatPolicyDuration(l.updateCadenceMs)}</td>
              <td>{l.escalation}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
