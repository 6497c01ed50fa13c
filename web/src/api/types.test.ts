import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  INCIDENT_ROLES,
  NOTE_KINDS,
  SEVERITIES,
  STATUSES,
  TIMELINE_KINDS,
  type IncidentRole,
  type NoteKind,
  type Severity,
  type Status,
  type TimelineKind,
} from './types.js';

// The web's own copies of the contract's lists (values: the bundle gets no contract code). Each
// must hold exactly the contract's members; `npm run typecheck` (tsc -p web/tsconfig.json) fails
// on these lines when one drifts, and the test names the duplicates it can see at run time.
describe('web/src/api/types.ts lists', () => {
  it('hold the members of the contract types', () => {
    expectTypeOf<(typeof SEVERITIES)[number]>().toEqualTypeOf<Severity>();
    expectTypeOf<(typeof STATUSES)[number]>().toEqualTypeOf<Status>();
    expectTypeOf<(typeof TIMELINE_KINDS)[number]>().toEqualTypeOf<TimelineKind>();
    expectTypeOf<(typeof NOTE_KINDS)[number]>().toEqualTypeOf<NoteKind>();
    expectTypeOf<(typeof INCIDENT_ROLES)[number]>().toEqualTypeOf<IncidentRole>();
    for (const list of [SEVERITIES, STATUSES, TIMELINE_KINDS, NOTE_KINDS, INCIDENT_ROLES]) expect(new Set(list).size).toBe(list.length);
  });
});
