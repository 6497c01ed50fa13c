import { z } from 'zod';

/** What an alert webhook (Alertmanager, Grafana) answers: the incidents it declared or attached to. */
export const ingestResultSchema = z.object({
  source: z.enum(['alertmanager', 'grafana']),
  incidents: z.array(z.object({ id: z.string(), action: z.enum(['declared', 'attached']) })),
  alerts: z.object({ new: z.number(), duplicate: z.number(), resolved: z.number(), refired: z.number(), ignored: z.number() }),
  notes: z.array(z.string()),
});

export type IngestResult = z.output<typeof ingestResultSchema>;
