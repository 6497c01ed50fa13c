import type { IncidentEvent } from '../core/incident-event.js';
import type { ChangeResult } from '../app/present-change.js';
import type { Backend } from './backend.js';
import type { Runtime } from './runtime.js';

/**
 * The local store (embedded SQLite, or PostgreSQL with DATABASE_URL). Each verb loads only its
 * own use case: a CLI call is one verb, and start-up time matters at 3 a.m.
 */
export async function localBackend(rt: Runtime): Promise<Backend> {
  const ctx = await rt.openContext();
  const present = async (ev: IncidentEvent): Promise<ChangeResult> => (await import('../app/present-change.js')).presentChange(ctx, ev);
  const pm = () => import('../app/edit-postmortem.js');
  const gen = () => import('../app/generate-postmortem.js');
  const items = () => import('../app/manage-action-items.js');
  const triage = () => import('../app/run-triage.js');
  return {
    server: null,
    declare: async (i) => present(await (await import('../app/declare-incident.js')).declareIncident(ctx, i)),
    list: async (f) => (await import('../app/list-incidents.js')).listIncidents(ctx, f),
    show: async (id, o) => (await import('../app/list-incidents.js')).showIncident(ctx, id, o),
    addEntry: async (id, i) => (await import('../app/add-timeline-entry.js')).addTimelineEntry(ctx, id, i),
    changeStatus: async (id, i) => present(await (await import('../app/change-status.js')).changeStatus(ctx, id, i)),
    changeSeverity: async (id, i) => present(await (await import('../app/change-severity.js')).changeSeverity(ctx, id, i)),
    assignRole: async (id, i) => present(await (await import('../app/assign-role.js')).assignRole(ctx, id, i)),
    resolve: async (id, i) => present(await (await import('../app/resolve-incident.js')).resolveIncident(ctx, id, i)),
    reopen: async (id, i) => present(await (await import('../app/reopen-incident.js')).reopenIncident(ctx, id, i)),
    acknowledge: async (id) => present(await (await import('../app/acknowledge-incident.js')).acknowledgeIncident(ctx, id)),
    recordDeploy: async (i) => (await import('../app/record-deploy.js')).recordDeploy(ctx, i),
    listDeploys: async (f) => (await import('../app/record-deploy.js')).listDeploys(ctx, f),

    postUpdate: async (id, input) => {
      const r = await (await import('../app/post-update.js')).postIncidentUpdate(ctx, id, input);
      if (r.plan) return { plan: r.plan };
      // Without a server nothing else would send it: deliver now, within the CLI wait.
      const delivery = await rt.coordination!.deliverNow();
      return { ...(await present(r.event!)), delivery };
    },
    listOutbox: async (f) => (await import('../app/manage-outbox.js')).listOutboxMessages(ctx, f),
    retryOutbox: async (id) => {
      const [{ retryOutboxMessage }, { OutboxWorker }, { coordinationSettings }] = await Promise.all([
        import('../app/manage-outbox.js'),
        import('../notify/outbox-worker.js'),
        import('../notify/settings.js'),
      ]);
      const item = await retryOutboxMessage(ctx, id);
      // Without a server nothing else would send it: try now, in lane order, within the CLI wait.
      const [after] = await new OutboxWorker({ store: ctx.store, config: ctx.config }).drain(
        [item.id],
        coordinationSettings(ctx.config).cliWaitMs,
      );
      return after;
    },
    contacts: async (f) => (await import('../app/show-contacts.js')).showContacts(ctx, f),

    ensure: async (id) => {
      const r = await (await gen()).ensurePostmortem(ctx, id);
      return { created: r.created, postmortem: r.record };
    },
    model: async (id) => (await gen()).loadPostmortemModel(ctx, id),
    setSection: async (id, section, text) => (await pm()).setPostmortemSection(ctx, id, section, { text }),
    addWhy: async (id, why, because) => (await pm()).addPostmortemWhy(ctx, id, { why, because }),
    removeWhy: async (id, n) => (await pm()).removePostmortemWhy(ctx, id, n),
    submit: async (id) => (await pm()).submitPostmortem(ctx, id),
    publish: async (id) => (await pm()).publishPostmortem(ctx, id),
    listPostmortems: async (o) => (await gen()).listPostmortemReviews(ctx, o),
    remind: async (o) => (await import('../app/remind-overdue.js')).remindOverdue(ctx, o),
    addAction: async (id, i) => (await items()).addActionItem(ctx, id, i),
    listActions: async (f) => (await items()).listActionItems(ctx, f),
    doneAction: async (id) => (await items()).completeActionItem(ctx, id),
    stats: async (since) => (await import('../app/compute-stats.js')).computeStats(ctx, { since }),

    runTriage: async (input) => (await triage()).runTriage(ctx, input),
    getTriageReport: async (id, o) => (await triage()).getTriageReport(ctx, id, o),
    listTriageReports: async (o) => (await triage()).listTriageReports(ctx, o),

    runAction: async (input, hooks) => (await import('../app/run-action.js')).runAction(ctx, input, hooks),
  };
}
