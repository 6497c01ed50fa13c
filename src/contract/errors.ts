import { z } from 'zod';
import type { ErrorCode } from '../core/errors.js';

/**
 * Every API error leaves as { error: { code, message, field? } } (src/server/errors.ts), never a
 * stack trace. The codes are the domain's (src/core/errors.ts) and INTERNAL; the OpenAPI
 * document's Error component lists them in this order.
 */
export const ERROR_CODES = [
  'VALIDATION',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_TRANSITION',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ApiErrorCode = (typeof ERROR_CODES)[number];

// Both ways: a code added to the domain must be listed here, and nothing else may be.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _sameCodes: Same<ApiErrorCode, ErrorCode | 'INTERNAL'> = true;
void _sameCodes;

export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(ERROR_CODES),
    message: z.string(),
    field: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

export type ErrorBody = z.output<typeof errorBodySchema>;
