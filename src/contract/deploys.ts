import { z } from 'zod';

/** A deploy or infra change on the wire (POST/GET /api/v1/deploys, the MCP recent_deploys tool). */
export const deploySchema = z.object({
  id: z.number().int(),
  service: z.string(),
  version: z.string(),
  kind: z.enum(['deploy', 'infra', 'rollback']),
  at: z.string(),
  by: z.string(),
  description: z.string().nullable(),
});
export const deployListSchema = z.object({ deploys: z.array(deploySchema) });

export type DeployView = z.output<typeof deploySchema>;
export type DeployList = z.output<typeof deployListSchema>;
