import type { Incident } from '../core/incident.js';
import type { PublicState } from '../core/communication.js';
import type { Severity } from '../core/severity.js';

// Status posts are stored by src/store/status-post.repository.ts.

/** What the public sees of one post. No incident title, no names, no internal notes. */
export interface StatusPost {
  id: number;
  incidentId: string;
  at: string;
  state: PublicState;
  title: string;
  text: string;
  components: string[];
  impact: ComponentState;
}

export const COMPONENT_STATES = ['operational', 'degraded_performance', 'partial_outage', 'major_outage'] as const;
export type ComponentState = (typeof COMPONENT_STATES)[number];

export function componentStateFor(sev: Severity): ComponentState {
  return sev === 'SEV1' ? 'major_outage' : sev === 'SEV2' ? 'partial_outage' : 'degraded_performance';
}

const LABEL: Record<ComponentState, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
};
export const componentLabel = (s: ComponentState) => LABEL[s];

/** The public title of an incident: derived from affected components, never the internal title. */
export function publicTitle(inc: Incident): string {
  const what = componentLabel(componentStateFor(inc.severity));
  return inc.services.length ? `${what}: ${inc.services.join(', ')}` : `${what}`;
}
