/**
 * What kind of failure an error signature is, read from its exception type and message the way
 * an SRE reads a traceback: the app's own connection pool running dry, Redis or PostgreSQL
 * being unavailable, a generic connection failure, or a bug in the code. The patterns are the
 * messages the libraries of the ecosystem really print (asyncpg, SQLAlchemy, psycopg /
 * psycopg_pool, Django, redis-py, aioredis, Celery's kombu), not one app's.
 */
export type ErrorClass = 'pool' | 'redis' | 'postgres' | 'connection' | 'code';

export const ERROR_CLASSES: readonly ErrorClass[] = ['pool', 'redis', 'postgres', 'connection', 'code'];

const POOL = [
  /QueuePool limit of size \d+ overflow \d+ reached/i, // SQLAlchemy
  /PoolTimeout|couldn'?t get a connection after/i, // psycopg_pool
  /pool ?(is )?(exhausted|full|closed)|PoolError|connection pool (is )?(exhausted|full)/i, // psycopg2.pool, generic
  /TooManyConnectionsError(?!.*too many clients)/i,
  /Too many connections(?! already)/i, // redis-py's ConnectionPool(max_connections=...) when it runs dry
  /(acquire|acquiring|checkout|check out|obtain)[^.]{0,40}(connection|conn)[^.]{0,40}(time ?out|timed out)/i,
  /(time ?out|timed out)[^.]{0,40}(acquir|waiting for a connection|checkout)/i,
  /pool[^.]{0,40}(acquir|checkout|wait)[^.]{0,40}(time ?out|timed out)|(acquir|checkout)[^.]{0,20}(time ?out|timed out)/i,
  /could not (obtain|acquire|get) (a )?(database )?connection/i,
];

const REDIS_UNAVAILABLE = [
  /OOM command not allowed|used memory > 'maxmemory'/i,
  /MISCONF|LOADING Redis is loading|BusyLoadingError|READONLY You can't write against a read only replica/i,
  /max number of clients reached/i,
  /NOAUTH|WRONGPASS/,
  /redis[\w.]*\.(exceptions\.)?(ConnectionError|TimeoutError|BusyLoadingError|ResponseError: OOM|OutOfMemoryError)/i,
  /\bOutOfMemoryError\b/,
  /redis.{0,80}(connection refused|connecting to|timed? ?out|reset by peer|closed)/i,
  /(error \d+ )?connecting to [^ ]+:6379/i,
  // redis-py's own wording: "Error 111 connecting to host:port. Connection refused."
  /^(redis\.exceptions\.)?ConnectionError: Error (\d+|<n>) connecting to /i,
];

const POSTGRES_HINT = /asyncpg|psycopg|postgres|sqlalchemy|django\.db|pg8000|\bpg_|libpq/i;
const POSTGRES_UNAVAILABLE = [
  /too many clients already|remaining connection slots are reserved|TooManyConnections/i,
  /the database system is (starting up|shutting down|in recovery mode)|CannotConnectNow/i,
  /canceling statement due to (statement|lock) timeout|lock ?timeout|LockNotAvailable|QueryCanceled/i,
  /deadlock detected|DeadlockDetected/i,
  /terminating connection|server closed the connection unexpectedly|ConnectionDoesNotExist|connection (is )?closed|InterfaceError/i,
  /could not connect to server|connection to server .* failed|Connection refused|OperationalError/i,
];

const CONNECTION = [
  /ConnectionRefused|Connection refused|ECONNREFUSED|Connect call failed/i,
  /ConnectionReset|Connection reset|ECONNRESET|BrokenPipe|EPIPE/i,
  /\bTimeoutError\b|timed? ?out|Timeout\b|ETIMEDOUT|CancelledError/i,
  /\bConnectionError\b|\bOSError: \[Errno (\d+|<n>)\]|Connect(ion)? (call )?failed/i,
  /Network is unreachable|EHOSTUNREACH|Name or service not known|getaddrinfo|nodename nor servname|Temporary failure in name resolution/i,
];

/** The class of one error signature ("type: message template"). */
export function classifyError(type: string, message: string): ErrorClass {
  const text = `${type}: ${message}`;
  if (POOL.some((r) => r.test(text)) && !/too many clients already|remaining connection slots/i.test(text)) return 'pool';
  if (REDIS_UNAVAILABLE.some((r) => r.test(text)) && !/WRONGTYPE/.test(text)) return 'redis';
  if (
    POSTGRES_UNAVAILABLE.some((r) => r.test(text)) &&
    (POSTGRES_HINT.test(text) ||
      /too many clients|remaining connection slots|database system|canceling statement|deadlock detected/i.test(text))
  )
    return 'postgres';
  if (CONNECTION.some((r) => r.test(text))) return 'connection';
  return 'code';
}

/** The dependency kind an error text points at (a readiness check's error, a signature), if any. */
export function dependencyKindOfText(text: string): 'postgres' | 'redis' | null {
  if (/redis|OOM command not allowed|maxmemory|MISCONF|BusyLoading|NOAUTH|WRONGPASS/i.test(text)) return 'redis';
  if (/asyncpg|psycopg|postgres|sqlalchemy|pg_|too many clients|database system|QueuePool/i.test(text)) return 'postgres';
  return null;
}

/** A PostgreSQL server refusing new clients, in its own words (as the server, libpq, asyncpg or Django print it). */
export const POSTGRES_REFUSES_CLIENTS = /too many clients|remaining connection slots/i;
/** A Redis server refusing new clients. */
export const REDIS_REFUSES_CLIENTS = /max number of clients reached/i;
