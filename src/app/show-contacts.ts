import { planEscalation, resolveOnCall, type EscalationTarget } from '../core/escalation.js';
import { parseSeverity, SEVERITIES, type Severity } from '../core/severity.js';
import { validation } from '../core/errors.js';
import { contactsOf, reachOptions } from '../notify/effects.js';
import { requireRole, type AppContext } from './context.js';

export interface ContactsView {
  at: string;
  team: string;
  oncall: { person: string; until: string | null } | null;
  manager: string | null;
  severities: {
    severity: Severity;
    rule: string;
    targets: EscalationTarget[];
    problem: string | null;
    escalation: { level: number; targets: EscalationTarget[] }[];
  }[];
}

/** Who would be paged, and how, right now — per team and severity. */
export async function showContacts(
  ctx: AppContext,
  input: { severity?: string; team?: string } = {},
): Promise<{ teams: ContactsView[]; channels: string[] }> {
  requireRole(ctx, 'viewer', 'reading contacts');
  const contacts = contactsOf(ctx.config);
  if (!contacts || !Object.keys(contacts.teams).length)
    throw validation('no contacts configured: add contacts.teams to warroom.yaml (see docs/coordination.md)', 'contacts');
  if (input.team && !contacts.teams[input.team])
    throw validation(`team: unknown team "${input.team}" (configured: ${Object.keys(contacts.teams).join(', ')})`, 'team');
  const sevs: Severity[] = input.severity ? [parseSeverity(input.severity)] : [...SEVERITIES];
  const now = ctx.now().toISOString();
  const reach = reachOptions(ctx.config);
  const teams = (input.team ? [input.team] : Object.keys(contacts.teams)).map((team): ContactsView => {
    const t = contacts.teams[team];
    return {
      at: now,
      team,
      oncall: resolveOnCall(t, now),
      manager: t.manager ?? null,
      severities: sevs.map((severity) => {
        const p0 = planEscalation(ctx.policy, severity, contacts, team, now, 0, reach);
        const chainLength = 1 + (t.escalation?.length ?? 0) + (t.manager ? 1 : 0);
        const escalation = [1, 2, 3]
          .slice(0, Math.max(1, chainLength))
          .map((level) => ({ level, targets: planEscalation(ctx.policy, severity, contacts, team, now, level, reach).targets }));
        return { severity, rule: ctx.policy[severity].escalation, targets: p0.targets, problem: p0.problem, escalation };
      }),
    };
  });
  const channels = Object.entries(ctx.config.channels ?? {})
    .filter(([, v]) => !!v)
    .map(([k]) => k);
  return { teams, channels };
}
