import type { Incident, TimelineEntry } from '../../api/types.js';

/** What every panel of the room hands back after a change: the incident and the entries it wrote (applied by useIncident). */
export type OnChange = (r: { incident: Incident; entries: TimelineEntry[] }) => void;
