/** Access roles, lowest first: each role may do what the ones before it may. */
export const ACCESS_ROLES = ['viewer', 'responder', 'commander', 'admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** Who is acting: a person at the CLI, an API token, a signed-in user, or an agent. */
export interface Actor {
  name: string;
  role: AccessRole;
  via: 'cli' | 'api' | 'web' | 'agent' | 'system';
}

const RANK: Record<AccessRole, number> = { viewer: 0, responder: 1, commander: 2, admin: 3 };

export function hasRole(actor: Actor, min: AccessRole): boolean {
  return RANK[actor.role] >= RANK[min];
}

export function isAccessRole(s: string): s is AccessRole {
  return (ACCESS_ROLES as readonly string[]).includes(s);
}
