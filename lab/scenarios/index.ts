/**
 * Every lab scenario, in the order the lab runs them. Each one is a real fault on the real stack
 * with its ground truth; see lab/README.md for the table.
 */
import { appHanging, appKilled, appPoolLeak, appPoolLeakSmall, errorsRecovered, slowRegression } from './app.js';
import { cleanDeploy, healthy, slowByDesign } from './controls.js';
import { badDeploy, deployCrashOnStart, deployThenKilled, deployThenRedisFull, slowAfterDeploy } from './deploy.js';
import { certExpired, diskFull, dnsFailure, redisDownPlusLongQuery } from './network.js';
import {
  connectionsHogged,
  idleInTx,
  lockAndSlowness,
  lockContention,
  lockForming,
  longRunningQuery,
  postgresStopped,
} from './postgres.js';
import {
  flatReadinessRedisDown,
  redisClients,
  redisKilled,
  redisNearFull,
  redisOom,
  redisPoolExhausted,
  redisSlowCommand,
} from './redis.js';
import { sqlaBadDeploy, sqlaCleanDeploy, sqlaHealthy, sqlaLockContention, sqlaPoolLeak, sqlaRedisKilled } from './sqlalchemy.js';
import type { Scenario } from '../types.js';

export const SCENARIOS: Scenario[] = [
  healthy,
  cleanDeploy,
  slowByDesign,
  appKilled,
  appHanging,
  appPoolLeak,
  appPoolLeakSmall,
  slowRegression,
  errorsRecovered,
  badDeploy,
  deployCrashOnStart,
  slowAfterDeploy,
  deployThenKilled,
  deployThenRedisFull,
  redisKilled,
  flatReadinessRedisDown,
  redisOom,
  redisNearFull,
  redisClients,
  redisSlowCommand,
  redisPoolExhausted,
  postgresStopped,
  lockContention,
  lockForming,
  lockAndSlowness,
  longRunningQuery,
  idleInTx,
  connectionsHogged,
  redisDownPlusLongQuery,
  certExpired,
  dnsFailure,
  diskFull,
  // The second example app (SQLAlchemy QueuePool on psycopg2, uvicorn's text access log, /readyz).
  sqlaHealthy,
  sqlaCleanDeploy,
  sqlaPoolLeak,
  sqlaRedisKilled,
  sqlaLockContention,
  sqlaBadDeploy,
];

const ids = new Set<string>();
for (const s of SCENARIOS) {
  if (ids.has(s.id)) throw new Error(`duplicate lab scenario id ${s.id}`);
  ids.add(s.id);
  if (!s.noFindings && !s.expect) throw new Error(`lab scenario ${s.id} has neither expect nor noFindings`);
}
