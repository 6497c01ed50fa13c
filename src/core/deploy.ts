export const DEPLOY_KINDS = ['deploy', 'infra', 'rollback'] as const;

/** A deploy or infra change, recorded so triage can line errors up against recent changes. */
export interface Deploy {
  id: number;
  service: string;
  version: string;
  kind: (typeof DEPLOY_KINDS)[number];
  at: string;
  by: string;
  description: string | null;
}
