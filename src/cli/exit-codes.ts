import type { ErrorCode } from '../core/errors.js';

/** The one place CLI errors become exit codes: 2 for usage/validation, 1 for everything else. */
export const EXIT_CODES: Record<ErrorCode, number> = {
  VALIDATION: 2,
  NOT_FOUND: 1,
  INVALID_TRANSITION: 1,
  CONFLICT: 1,
  FORBIDDEN: 1,
  UNAUTHORIZED: 1,
  UNAVAILABLE: 1,
};
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;
