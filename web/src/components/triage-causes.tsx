import type { TriageReport } from '../api/types.js';
import { SeverityBadge } from './badges.js';

/**
 * A triage report's causes as the health board and the incident room both show them: the most
 * likely root cause first with what it explains, the other causes marked independent or
 * contributing, then the notes (about the past, never a cause).
 */
export function TriageCauses({ report, testId, empty }: { report: TriageReport; testId: string; empty: string }) {
  const causes = report.findings.filter((f) => f.kind !== 'note');
  return (
    <>
      {causes.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="entry-list" data-testid={testId}>
          {causes.map((f, i) => (
            <li key={i} className="card">
              <strong>{f.title}</strong> <SeverityBadge severity={f.severity} />{' '}
              <span className="muted">
                ({f.service}
                {i === 0 ? ', most likely root cause' : f.root ? ', independent cause' : ', contributing'})
              </span>
              <p>Likely cause: {f.cause}</p>
              {f.explains.length > 0 && <p>Explains: {f.explains.join('; ')}</p>}
              <p>
                First action: <code>{f.action}</code>
              </p>
              {f.evidence.length > 0 && <pre className="evidence">{f.evidence.join('\n')}</pre>}
            </li>
          ))}
        </ul>
      )}
      {report.findings
        .filter((f) => f.kind === 'note')
        .map((f, i) => (
          <p key={`n${i}`} className="muted">
            Note ({f.service}): {f.cause}
          </p>
        ))}
    </>
  );
}
