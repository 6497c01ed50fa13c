import type { AppContext } from '../app/context.js';
import type { IncidentEvent } from '../core/incident-event.js';
import type { WarroomConfig } from '../config/schema.js';
import type { SeverityPolicy } from '../core/severity.js';
import type { Db } from '../store/db.js';
import { applyEffects, planIncidentEffects } from '../notify/effects.js';

export interface CoordinationHooks extends Required<Pick<AppContext, 'onIncidentChange' | 'afterCommit'>> {
  /** Outbox ids enqueued by this process since the last take (the CLI waits for these). */
  takeEnqueued(): number[];
}

/**
 * The coordination side of every incident change: runs inside the change's transaction, so
 * messages, timers and status posts commit atomically with it; after commit it wakes the
 * outbox worker so a page leaves within milliseconds instead of at the next poll.
 */
export function createCoordinationHooks(o: { config: WarroomConfig; policy: SeverityPolicy; wake?: () => void }): CoordinationHooks {
  let enqueued: number[] = [];
  let pending = 0;
  return {
    async onIncidentChange(trx: Db, ev: IncidentEvent) {
      // Plain timeline entries (notes, findings) cause no message: the channel keeps status updates only.
      if (ev.type === 'entry') return;
      const plan = await planIncidentEffects(trx, o.config, o.policy, {
        incident: ev.incident,
        previous: ev.type === 'declared' ? null : ev.previous,
        entries: ev.entries,
        actor: ev.actor.name,
      });
      const now = ev.type === 'declared' ? ev.incident.declaredAt : ev.incident.updatedAt;
      const ids = await applyEffects(trx, ev.incident.id, plan, now);
      enqueued.push(...ids);
      pending += ids.length;
    },
    afterCommit() {
      if (pending > 0) {
        pending = 0;
        o.wake?.();
      }
    },
    takeEnqueued() {
      const out = enqueued;
      enqueued = [];
      return out;
    },
  };
}
