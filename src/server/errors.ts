import type { FastifyError, FastifyInstance } from 'fastify';
import { isWarroomError, type ErrorCode } from '../core/errors.js';
import { redactText } from '../core/redact.js';
import type { ErrorBody } from '../contract/errors.js';

/** The one place API errors become HTTP statuses. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  VALIDATION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_TRANSITION: 409,
  UNAVAILABLE: 503,
};

/** Every error leaves as { error: { code, message, field? } }; never a stack trace. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((e: FastifyError | Error, req, reply) => {
    if (isWarroomError(e)) {
      const body: ErrorBody = {
        error: {
          code: e.code,
          message: redactText(e.message),
          ...(e.field && { field: e.field }),
          ...(e.details && { details: e.details }),
        },
      };
      return reply.status(HTTP_STATUS[e.code]).send(body);
    }
    const fe = e as FastifyError;
    if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
      const code: ErrorCode =
        fe.statusCode === 401 ? 'UNAUTHORIZED' : fe.statusCode === 403 ? 'FORBIDDEN' : fe.statusCode === 404 ? 'NOT_FOUND' : 'VALIDATION';
      const message =
        fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || fe.name === 'SyntaxError' ? `malformed JSON body: ${fe.message}` : fe.message;
      return reply.status(fe.statusCode).send({ error: { code, message: redactText(message) } } satisfies ErrorBody);
    }
    if (isDatabaseUnavailable(e)) {
      req.log.warn({ err: e }, 'database unavailable');
      return reply
        .status(503)
        .header('retry-after', '1')
        .send({ error: { code: 'UNAVAILABLE', message: 'the database is busy or unreachable; retry shortly' } } satisfies ErrorBody);
    }
    req.log.error({ err: e }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'INTERNAL', message: 'internal error; the server log has the details' } } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) => {
    reply
      .status(404)
      .send({ error: { code: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` } } satisfies ErrorBody);
  });
}

/** Connection exhaustion or loss: the request can be retried, so it is a 503, not a 500. */
function isDatabaseUnavailable(e: unknown): boolean {
  const err = e as { code?: string; message?: string };
  // 53300 too_many_connections, 57P01 admin_shutdown, 08xxx connection exceptions; SQLITE_BUSY after busy_timeout.
  if (err.code && (/^08/.test(err.code) || ['53300', '57P01', '57P03', 'SQLITE_BUSY', 'ECONNREFUSED', 'ECONNRESET'].includes(err.code)))
    return true;
  return /timeout exceeded when trying to connect|Connection terminated/i.test(err.message ?? '');
}
