/**
 * Every error a user can cause carries a stable code. The CLI maps codes to exit codes in
 * src/cli/exit-codes.ts and the server maps them to HTTP statuses in src/server/errors.ts —
 * one place each, so the two interfaces never disagree.
 */
export type ErrorCode = 'NOT_FOUND' | 'INVALID_TRANSITION' | 'VALIDATION' | 'CONFLICT' | 'FORBIDDEN' | 'UNAUTHORIZED' | 'UNAVAILABLE';

export class WarroomError extends Error {
  readonly code: ErrorCode;
  /** Where the problem is: a field path ("severity", "services.backend.health") when known. */
  readonly field?: string;
  /** Extra machine-readable facts for --json and API consumers. */
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, opts: { field?: string; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'WarroomError';
    this.code = code;
    this.field = opts.field;
    this.details = opts.details;
  }
}

export const notFound = (message: string) => new WarroomError('NOT_FOUND', message);
export const validation = (message: string, field?: string, details?: Record<string, unknown>) =>
  new WarroomError('VALIDATION', message, { field, details });
export const invalidTransition = (message: string, details?: Record<string, unknown>) =>
  new WarroomError('INVALID_TRANSITION', message, { details });
export const conflict = (message: string) => new WarroomError('CONFLICT', message);
export const forbidden = (message: string) => new WarroomError('FORBIDDEN', message);

export function isWarroomError(e: unknown): e is WarroomError {
  return e instanceof WarroomError;
}
