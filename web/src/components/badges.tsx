import type { Severity, Status } from '../api/types.js';

const SEVERITY_WORD: Record<Severity, string> = { SEV1: 'critical', SEV2: 'major', SEV3: 'minor', SEV4: 'low' };

/** Severity in colour and in words (SEV1 · critical): never colour alone. */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`badge sev sev-${severity.toLowerCase()}`}>
      {severity}
      <span className="badge-word"> · {SEVERITY_WORD[severity]}</span>
    </span>
  );
}

const STATUS_MARK: Record<Status, string> = { investigating: '?', identified: '!', mitigating: '~', resolved: '✓' };

export function StatusBadge({ status }: { status: Status }) {
  return (
    <span className={`badge status status-${status}`}>
      <span aria-hidden="true">{STATUS_MARK[status]} </span>
      {status}
    </span>
  );
}
