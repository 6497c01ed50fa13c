import { isWarroomError, type WarroomError } from '../../src/core/errors.js';
import { declareIncident, type DeclareInput, type Incident, type TimelineEntry } from '../../src/core/incident.js';

/**
 * Awaits a use case that must refuse, and returns its WarroomError for the test to check the
 * code and message. Anything else thrown is rethrown; resolving fails the test.
 */
export async function expectRefusal(p: Promise<unknown>): Promise<WarroomError> {
  try {
    await p;
  } catch (e) {
    if (isWarroomError(e)) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

/** When a built incident is declared unless told otherwise: 2026-01-10 14:30 UTC. */
export const DECLARED_AT = '2026-01-10T14:30:00.000Z';

/**
 * An incident as the core declares it — INC-7, "Checkout returns 500", SEV2, declared by alice at
 * DECLARED_AT, unless `declared` says otherwise (a commander given acknowledges it, as in the core) —
 * with `over` laid on top, for tests of the core and the renderers that need no store.
 */
export function buildIncident(
  over: Partial<Incident> = {},
  declared: { input?: Partial<DeclareInput>; by?: string; at?: string } = {},
): Incident {
  const { incident } = declareIncident(
    { title: 'Checkout returns 500', severity: 'SEV2', ...declared.input },
    declared.by ?? 'alice',
    declared.at ?? DECLARED_AT,
  );
  return { ...incident, id: 'INC-7', seq: 7, ...over };
}

/** A timeline entry of INC-7: a note by alice at DECLARED_AT unless `over` says otherwise. */
export function buildTimelineEntry(over: Partial<TimelineEntry> = {}): TimelineEntry {
  return {
    id: 1,
    incidentId: 'INC-7',
    at: DECLARED_AT,
    author: 'alice',
    kind: 'note',
    text: 'a note',
    corrects: null,
    data: null,
    ...over,
  };
}
