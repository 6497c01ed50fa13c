import type { Actor } from './actor.js';
import type { Incident, TimelineEntry } from './incident.js';

export type IncidentEventType = 'declared' | 'status' | 'severity' | 'role' | 'entry' | 'resolved' | 'reopened' | 'acknowledged' | 'update';

/** One change to an incident, as the use cases report it to the coordination hooks and SSE. */
export interface IncidentEvent {
  type: IncidentEventType;
  incident: Incident;
  previous: Incident | null;
  entries: TimelineEntry[];
  actor: Actor;
}
