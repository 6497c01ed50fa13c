import { validation } from '../core/errors.js';
import { BUILTIN_ACTIONS, type WarroomConfig } from '../config/schema.js';
import type { AccessRole } from '../core/actor.js';
import { prepareCleanDisk } from './clean-disk.js';
import { prepareFlushKeys } from './flush-keys.js';
import { prepareKillQuery } from './kill-query.js';
import { prepareRestart } from './restart.js';
import { prepareRollback } from './rollback.js';
import { prepareRunbook } from './runbook.js';
import type { ActionEnv, PrepareAction, PreparedAction } from './types.js';

export type { ActionEnv, ActionOutcome, ActionPlan, PreparedAction, PlanStep, StepResult, Verification, ActionStatus } from './types.js';
export { BUILTIN_ACTIONS };

const BUILTINS: Record<(typeof BUILTIN_ACTIONS)[number], PrepareAction> = {
  rollback: prepareRollback,
  restart: prepareRestart,
  'kill-query': prepareKillQuery,
  'flush-keys': prepareFlushKeys,
  'clean-disk': prepareCleanDisk,
};

/** Every action name this config knows: the built-ins, then the team's runbooks. */
export function listActions(config: WarroomConfig): string[] {
  return [...BUILTIN_ACTIONS, ...Object.keys(config.runbooks ?? {})];
}

/**
 * The role an action needs, known before any planning I/O so an unauthorised caller learns
 * nothing about production: commander for built-ins, the runbook's configured role otherwise.
 */
export function requiredRole(config: WarroomConfig, action: string): AccessRole {
  if ((BUILTIN_ACTIONS as readonly string[]).includes(action)) return 'commander';
  const book = config.runbooks?.[action];
  if (!book) throw unknownAction(config, action);
  return book.role;
}

function unknownAction(config: WarroomConfig, action: string) {
  return validation(`action: unknown action "${action}" (known: ${listActions(config).join(', ')})`, 'action');
}

/** Validates the options and plans the action (read-only). */
export async function prepareAction(env: ActionEnv, action: string, options: Record<string, unknown>): Promise<PreparedAction> {
  const builtin = BUILTINS[action as keyof typeof BUILTINS];
  if (builtin) return builtin(env, options);
  const book = env.config.runbooks?.[action];
  if (!book) throw unknownAction(env.config, action);
  return prepareRunbook(env, action, book, options);
}
