import type { TimelineEntry } from '../core/incident.js';
import type { IncidentEvent } from '../core/incident-event.js';
import type { AppContext } from './context.js';
import { withDerived, type IncidentView } from './list-incidents.js';

/** The answer to every incident change, the same from the API, MCP and the CLI's --json: the incident with its derived facts, and the entries the change wrote. */
export interface ChangeResult {
  incident: IncidentView;
  entries: TimelineEntry[];
}

/** Presents what a change use case returned (its IncidentEvent) to whoever asked for the change. */
export async function presentChange(ctx: AppContext, ev: IncidentEvent): Promise<ChangeResult> {
  return { incident: (await withDerived(ctx, [ev.incident]))[0], entries: ev.entries };
}
