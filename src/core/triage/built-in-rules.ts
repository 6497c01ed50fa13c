import type { Comparison, Condition, TriageRule } from './rules.js';

const t = (fact: string, op: Comparison, valueOrRef: string | number | boolean | null | (string | number)[], isRef = false): Condition =>
  isRef ? { fact, op, ref: valueOrRef as string } : { fact, op, value: valueOrRef };
const not = (c: Condition): Condition => ({ not: c });

/** Mustache: `yes` when the fact is truthy, `no` otherwise. */
const ifElse = (fact: string, yes: string, no: string) => `{{#${fact}}}${yes}{{/${fact}}}{{^${fact}}}${no}{{/${fact}}}`;

/** Restart through warroom when it can (a container or a restart command is configured), otherwise say what to restart. */
const restart = (what: string) =>
  ifElse(
    'service.restartable',
    `${what}: warroom run restart --service {{service.name}}`,
    ifElse(
      'service.configured',
      `${what} (no restart is configured for it: set services.{{service.name}}.container or services.{{service.name}}.restart to make it one command), then check: warroom health --service {{service.name}}`,
      `${what}, then check it again: warroom triage{{#http.target}} --url {{http.target}}{{/http.target}}{{^http.target}}{{#tcp.target}} --tcp {{tcp.target}}{{/tcp.target}}{{/http.target}}`,
    ),
  );

/** A PostgreSQL session to end: through warroom for a configured service, in SQL ad hoc. */
const killQuery = (pid: string, superuser: string, extra = '') =>
  ifElse(
    'service.configured',
    `warroom run kill-query --service {{service.name}} --pid {{${pid}}}${extra}{{#${superuser}}} --force (pid {{${pid}}} is a superuser's session: kill-query refuses it without --force){{/${superuser}}}`,
    `SELECT pg_terminate_backend({{${pid}}}); (with the database as a service in warroom.yaml, kill-query does it and checks the lock tree after)`,
  );

const logsOf = (since = '15m') =>
  ifElse(
    'service.configured',
    `warroom logs analyze --service {{service.name}} --since ${since}`,
    'warroom logs analyze LOGFILE --since ' + since,
  );

/** The error classes a down or failing dependency of each kind produces in the apps that use it. */
const PG_ERRORS = ['erroring:postgres', 'erroring:connection', 'erroring:pool'];
const REDIS_ERRORS = ['erroring:redis', 'erroring:connection'];

/**
 * The seed's "Common Incident Patterns" and the failures its investigation steps look for, as
 * causes with the symptoms each explains. Facts are per service: service.*, http.*, readiness.*,
 * tcp.*, tls.*, disk.*, dns.*, container.*, postgres.*, redis.*, deploy.*, logs.*, dep_postgres.*,
 * dep_redis.*, thresholds.* (docs/triage.md lists them). Every warroom command in an action is
 * parsed by the real CLI in a test.
 */
export const BUILT_IN_RULES: TriageRule[] = [
  {
    id: 'service-not-listening',
    title: 'Not listening (connection refused)',
    pattern: '502/503 errors',
    when: { all: [t('service.kind', 'in', ['app', 'other']), { any: [t('http.refused', 'eq', true), t('tcp.refused', 'eq', true)] }] },
    cause:
      'Nothing is listening on {{#http.target}}{{http.target}}{{/http.target}}{{^http.target}}{{tcp.target}}{{/http.target}}: {{service.name}} is not running (crashed, killed, or not started)',
    evidence: [
      '{{service.error}}',
      '{{#deploy.recent}}last deploy {{deploy.version}} {{deploy.ago}} ago{{/deploy.recent}}',
      '{{#container.status}}container {{container.status}}{{/container.status}}',
    ],
    action: restart('Start it again'),
    severity: 'SEV1',
    strength: 4,
    explains: { self: ['unreachable', 'unhealthy', 'erroring'], dependents: ['unreachable', 'hanging', 'unhealthy', 'erroring', 'slow'] },
  },
  {
    id: 'postgres-down',
    title: 'PostgreSQL not reachable',
    pattern: 'Partial failures',
    when: { all: [t('postgres.reachable', 'eq', false), t('postgres.rejecting', 'ne', true), t('postgres.auth_failed', 'ne', true)] },
    cause: 'PostgreSQL {{service.name}} is not reachable: {{postgres.error}}',
    evidence: ['{{#service.dependents_all}}used by {{service.dependents_all}}{{/service.dependents_all}}'],
    action: ifElse(
      'service.restartable',
      'Start PostgreSQL again: warroom run restart --service {{service.name}}',
      ifElse(
        'service.configured',
        'Start PostgreSQL on its host (pg_ctlcluster … start, systemctl start postgresql), then check: warroom diagnose postgres {{service.name}}',
        'Start PostgreSQL on its host, then check: warroom health --postgres {{postgres.target}}',
      ),
    ),
    severity: 'SEV1',
    strength: 5,
    explains: { self: ['unreachable'], dependents: ['unreachable', 'hanging', 'unhealthy', 'slow', ...PG_ERRORS] },
  },
  {
    id: 'redis-down',
    title: 'Redis not reachable',
    pattern: 'Partial failures',
    when: { all: [t('redis.reachable', 'eq', false), t('redis.rejecting', 'ne', true), t('redis.auth_failed', 'ne', true)] },
    cause: 'Redis {{service.name}} is not reachable: {{redis.error}}',
    evidence: ['{{#service.dependents_all}}used by {{service.dependents_all}}{{/service.dependents_all}}'],
    action: ifElse(
      'service.restartable',
      'Start Redis again: warroom run restart --service {{service.name}}',
      ifElse(
        'service.configured',
        'Start Redis on its host (redis-server, systemctl start redis), then check: warroom diagnose redis {{service.name}}',
        'Start Redis on its host, then check: warroom health --redis {{redis.target}}',
      ),
    ),
    severity: 'SEV1',
    strength: 5,
    explains: { self: ['unreachable'], dependents: ['unreachable', 'hanging', 'unhealthy', 'slow', ...REDIS_ERRORS] },
  },
  {
    id: 'connection-pool-exhausted',
    title: 'PostgreSQL out of connections',
    pattern: 'Gradual degradation',
    when: { any: [t('postgres.saturation_pct', 'gte', 'thresholds.pool_saturation_pct', true), t('postgres.rejecting', 'eq', true)] },
    cause:
      'PostgreSQL {{service.name}} is out of connections ({{postgres.connections_used}} of {{postgres.usable_connections}} usable, {{postgres.saturation_pct}}%){{#postgres.top_holder_count}}: {{postgres.top_holder_application}} (user {{postgres.top_holder_user}}) holds {{postgres.top_holder_count}} of them ({{postgres.top_holder_states}}){{/postgres.top_holder_count}}',
    evidence: [
      '{{#postgres.rejecting}}new connections are refused: {{postgres.error}}{{/postgres.rejecting}}',
      '{{#postgres.top_holder_pids}}some of its pids: {{postgres.top_holder_pids}}{{/postgres.top_holder_pids}}',
      '{{postgres.idle_in_transaction_count}} idle in transaction',
    ],
    action: ifElse(
      'postgres.top_holder_service',
      'Restart {{postgres.top_holder_service}}, which holds the connections: warroom run restart --service {{postgres.top_holder_service}}',
      `Stop or fix the client {{postgres.top_holder_application}} (user {{postgres.top_holder_user}}) that holds them; to free one now: ${killQuery('postgres.top_holder_pid', 'postgres.top_holder_superuser', ' --terminate')}`,
    ),
    severity: 'SEV2',
    strength: 5,
    escalate: { when: { any: [t('postgres.saturation_pct', 'gte', 100), t('postgres.rejecting', 'eq', true)] }, severity: 'SEV1' },
    explains: { self: ['unreachable'], dependents: ['hanging', 'unhealthy', 'slow', ...PG_ERRORS] },
  },
  {
    id: 'app-pool-exhausted',
    title: 'Connection pool exhausted (in the app)',
    pattern: 'Gradual degradation',
    when: {
      all: [
        {
          any: [
            t('readiness.pool_exhausted', 'eq', true),
            t('readiness.pool_error', 'eq', true),
            t('logs.pool_errors_now', 'gt', 0),
            // Its database check times out while the database answers warroom at once and the app's own sessions sit idle:
            // the app cannot get a connection it already holds.
            {
              all: [
                t('readiness.db_timeout', 'eq', true),
                t('dep_postgres.reachable', 'eq', true),
                t('dep_postgres.app_all_idle', 'eq', true),
                t('dep_postgres.long_query_count', 'eq', 0),
              ],
            },
          ],
        },
        // The database is not the bottleneck: no lock queue, and the server still has connections.
        not(t('dep_postgres.blocked_count', 'gt', 0)),
        not(t('dep_postgres.saturation_pct', 'gte', 'thresholds.pool_saturation_pct', true)),
        t('dep_postgres.rejecting', 'ne', true),
      ],
    },
    cause:
      "{{service.name}}'s own {{#app_pool.label}}{{app_pool.label}} {{/app_pool.label}}connection pool is exhausted{{#readiness.pool_error}} (its readiness says: {{readiness.first_error}}){{/readiness.pool_error}}{{#readiness.pool_exhausted}} ({{readiness.pool_key}}: size {{readiness.pool_size}}, idle {{readiness.pool_idle}}{{#readiness.pool_max}}, max {{readiness.pool_max}}{{/readiness.pool_max}}){{/readiness.pool_exhausted}}{{#app_pool.is_postgres}}{{#dep_postgres.app_connections}}; PostgreSQL shows {{dep_postgres.app_application}} holding {{dep_postgres.app_connections}} connection(s), {{dep_postgres.app_connections_idle}} idle{{/dep_postgres.app_connections}}{{/app_pool.is_postgres}}: connections are taken and not given back (a session opened without its context manager) or held by slow requests",
    evidence: [
      '{{#logs.pool_error_count}}{{logs.pool_error_count}} × {{logs.pool_error_sample}}{{/logs.pool_error_count}}',
      '{{#app_pool.is_postgres}}{{#dep_postgres.service}}{{dep_postgres.service}} itself is fine: {{dep_postgres.saturation_pct}}% of its connections in use, no lock waits{{/dep_postgres.service}}{{/app_pool.is_postgres}}',
      "{{#app_pool.is_redis}}{{#dep_redis.service}}{{dep_redis.service}} itself answers: the pool is the app's own{{/dep_redis.service}}{{/app_pool.is_redis}}",
    ],
    action: `${restart('Restart {{service.name}} to give the connections back')}; then find the code path that does not release them`,
    severity: 'SEV2',
    strength: 5,
    escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV1' },
    explains: {
      self: ['unhealthy', 'hanging', 'slow', 'erroring:pool', 'erroring:connection', 'erroring:postgres'],
      dependents: ['unhealthy', 'hanging', 'slow', 'erroring'],
    },
  },
  {
    id: 'lock-contention',
    title: 'Lock contention',
    pattern: 'Slow responses',
    when: t('postgres.blocked_count', 'gt', 0),
    cause:
      'pid {{postgres.root_blocker_pid}} ({{postgres.root_blocker_application}} as {{postgres.root_blocker_user}}, {{postgres.root_blocker_state}}{{#postgres.root_blocker_xact_age}}, transaction open {{postgres.root_blocker_xact_age}}{{/postgres.root_blocker_xact_age}}) holds a lock{{#postgres.lock_relation}} on {{postgres.lock_relation}}{{/postgres.lock_relation}} that blocks {{postgres.blocked_count}} session(s) (pids {{postgres.blocked_pids}}: {{postgres.blocked_applications}}), the longest waiting {{postgres.longest_lock_wait}}{{#postgres.lock_forming}} — forming: still below the {{thresholds.lock_wait_s}} s threshold{{/postgres.lock_forming}}',
    evidence: ['blocker: {{postgres.root_blocker_query}}', '{{postgres.root_blocker_blocks}} session(s) queued behind it'],
    action: `End the blocker, not its victims: ${killQuery('postgres.root_blocker_pid', 'postgres.root_blocker_superuser')}`,
    severity: 'SEV3',
    strength: 5,
    escalate: { when: t('postgres.longest_lock_wait_s', 'gte', 'thresholds.lock_wait_s', true), severity: 'SEV2' },
    explains: { dependents: ['hanging', 'unhealthy', 'slow', ...PG_ERRORS] },
  },
  {
    id: 'long-running-query',
    title: 'Long-running query',
    pattern: 'Slow responses',
    when: t('postgres.long_query_count', 'gt', 0),
    cause:
      '{{postgres.long_query_count}} query(ies) running longer than {{postgres.long_query_threshold_s}} s, the longest {{postgres.longest_query_age}} (pid {{postgres.longest_query_pid}}, {{postgres.longest_query_application}} as {{postgres.longest_query_user}})',
    evidence: ['pid {{postgres.longest_query_pid}}: {{postgres.longest_query}}'],
    action: `Cancel it: ${killQuery('postgres.longest_query_pid', 'postgres.longest_query_superuser')}`,
    severity: 'SEV3',
    strength: 3,
    escalate: { when: t('postgres.longest_query_s', 'gte', 300), severity: 'SEV2' },
    explains: { dependents: ['slow', 'hanging', 'erroring:postgres'] },
  },
  {
    id: 'idle-in-transaction',
    title: 'Sessions idle in transaction',
    pattern: 'Gradual degradation',
    when: {
      all: [
        t('postgres.idle_in_transaction_count', 'gt', 0),
        t('postgres.idle_in_transaction_max_s', 'gte', 'thresholds.idle_in_transaction_s', true),
      ],
    },
    cause:
      'Connection leak: {{postgres.idle_in_transaction_count}} session(s) opened a transaction and stopped, the oldest idle {{postgres.oldest_idle_age}} (pid {{postgres.oldest_idle_pid}}, {{postgres.oldest_idle_application}})',
    evidence: ['pid {{postgres.oldest_idle_pid}} last ran: {{postgres.oldest_idle_query}}'],
    action: `End it (its transaction rolls back): ${killQuery('postgres.oldest_idle_pid', 'postgres.oldest_idle_superuser', ' --terminate')}; then look for a session opened without its context manager`,
    severity: 'SEV3',
    strength: 3,
    explains: { dependents: ['erroring:pool'] },
  },
  {
    id: 'redis-memory-full',
    title: 'Redis memory full',
    pattern: 'Memory growth',
    when: t('redis.memory_used_pct', 'gte', 'thresholds.redis_memory_pct', true),
    cause:
      'Redis {{service.name}} is at {{redis.memory_used_pct}}% of maxmemory ({{redis.used_memory}} of {{redis.maxmemory}}), policy {{redis.maxmemory_policy}}{{^redis.evicting_policy}}: writes are refused (OOM){{/redis.evicting_policy}}{{#redis.evicting_policy}}: keys are being evicted{{/redis.evicting_policy}}{{#redis.top_prefix}}; {{redis.top_prefix_pattern}} holds {{redis.top_prefix_pct}}% of the sampled memory ({{redis.top_prefix_keys}} keys, {{redis.top_prefix_ttl_pct}}% with a TTL){{/redis.top_prefix}}',
    evidence: [
      '{{#redis.oom_errors}}{{redis.oom_errors}} write(s) refused with OOM since the statistics reset{{/redis.oom_errors}}',
      '{{#redis.top_prefix}}largest prefixes: {{redis.prefixes}}{{/redis.top_prefix}}',
      '{{#redis.evicted_keys}}evicted keys {{redis.evicted_keys}}{{/redis.evicted_keys}}',
    ],
    action: ifElse(
      'redis.top_prefix',
      ifElse(
        'service.configured',
        'Free the memory {{redis.top_prefix_pattern}} holds, if those keys can be rebuilt: warroom run flush-keys --service {{service.name}} --pattern "{{redis.top_prefix_pattern}}"',
        'Free the memory {{redis.top_prefix_pattern}} holds, if those keys can be rebuilt (redis-cli --scan --pattern "{{redis.top_prefix_pattern}}" | xargs redis-cli unlink)',
      ) +
        '{{^redis.evicting_policy}}; then let Redis evict instead of refusing writes (maxmemory-policy allkeys-lru for a cache, volatile-lru if only keys with a TTL may go) or raise maxmemory{{/redis.evicting_policy}}',
      ifElse(
        'service.configured',
        'See which keys hold the memory: warroom diagnose redis {{service.name}}; then flush what can be rebuilt or raise maxmemory',
        'See which keys hold the memory: warroom diagnose redis --url {{redis.target}}',
      ),
    ),
    severity: 'SEV2',
    strength: 4,
    escalate: { when: { all: [t('redis.oom_errors', 'gt', 0), t('redis.maxmemory_policy', 'eq', 'noeviction')] }, severity: 'SEV1' },
    explains: { self: ['unhealthy', 'erroring'], dependents: ['unhealthy', 'erroring:redis', 'slow'] },
  },
  {
    id: 'redis-clients-exhausted',
    title: 'Redis refusing clients',
    when: { any: [t('redis.rejecting', 'eq', true), t('redis.clients_pct', 'gte', 'thresholds.redis_clients_pct', true)] },
    cause:
      'Redis {{service.name}} {{#redis.connected_clients}}has {{redis.connected_clients}} of {{redis.maxclients}} clients{{#redis.rejecting}} and {{/redis.rejecting}}{{/redis.connected_clients}}{{#redis.rejecting}}refuses new clients (max number of clients reached){{/redis.rejecting}}{{#redis.top_client_name}}; {{redis.top_client_name}} holds {{redis.top_client_count}}{{/redis.top_client_name}}',
    evidence: [
      '{{#redis.rejected_connections}}{{redis.rejected_connections}} connection(s) rejected since the statistics reset{{/redis.rejected_connections}}',
      '{{redis.blocked_clients}} blocked client(s)',
    ],
    action: ifElse(
      'service.configured',
      'Stop or restart the client holding the connections{{#redis.top_client_name}} ({{redis.top_client_name}}){{/redis.top_client_name}}, then check: warroom diagnose redis {{service.name}}',
      'Stop or restart the client holding the connections (CLIENT LIST shows them)',
    ),
    severity: 'SEV2',
    strength: 4,
    explains: { self: ['unreachable'], dependents: ['unhealthy', 'hanging', 'erroring:redis', 'erroring:connection', 'erroring:pool'] },
  },
  {
    id: 'error-spike-after-deploy',
    title: 'Error spike after deploy',
    pattern: 'Error spike after deploy',
    when: t('deploy.blamed', 'eq', true),
    cause:
      'Bug in new code: {{service.name}} {{deploy.version}} was deployed {{deploy.ago}} ago by {{deploy.by}}, and errors that were not there before began after it and go on now{{#deploy.new_signature_first}}: {{deploy.new_signature_first}} ({{deploy.new_signature_count}}×){{/deploy.new_signature_first}}',
    evidence: [
      'code errors since the deploy: {{deploy.code_errors_after}} of {{deploy.lines_after}} lines ({{deploy.error_rate_after_pct}}%; before it {{deploy.error_rate_before_pct}}%)',
      '{{#deploy.previous_version}}previous version {{deploy.previous_version}}{{/deploy.previous_version}}',
    ],
    action: ifElse(
      'deploy.previous_version',
      'Roll back to {{deploy.previous_version}}: warroom run rollback --service {{service.name}} --to {{deploy.previous_version}}',
      'Roll back (no earlier version of {{service.name}} is recorded, so name it): warroom run rollback --service {{service.name}} --to VERSION',
    ),
    severity: 'SEV2',
    strength: 5,
    escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV1' },
    // A new version that crashes or wedges explains the refusal too: blamed only on its own code errors going on now.
    explains: { self: ['erroring:code', 'unhealthy', 'unreachable', 'hanging'], dependents: ['erroring:code'] },
  },
  {
    id: 'slow-after-deploy',
    title: 'Latency regression after deploy',
    pattern: 'Error spike after deploy',
    when: {
      all: [
        t('deploy.slow_endpoint_after', 'exists', null),
        not(t('dep_postgres.blocked_count', 'gt', 0)),
        not(t('dep_postgres.long_query_count', 'gt', 0)),
      ],
    },
    cause:
      '{{deploy.slow_endpoint_after}} got slower with {{service.name}} {{deploy.version}} (deployed {{deploy.ago}} ago by {{deploy.by}}): p50 {{deploy.slow_endpoint_after_p50}} since the deploy, {{deploy.slow_endpoint_before_p50}} before it, and still slow now; no lock or long query in the database explains it',
    evidence: ['{{#deploy.previous_version}}previous version {{deploy.previous_version}}{{/deploy.previous_version}}'],
    action: ifElse(
      'deploy.previous_version',
      'Roll back to {{deploy.previous_version}}: warroom run rollback --service {{service.name}} --to {{deploy.previous_version}}',
      'Roll back (no earlier version of {{service.name}} is recorded, so name it): warroom run rollback --service {{service.name}} --to VERSION',
    ),
    severity: 'SEV3',
    strength: 3,
    escalate: { when: t('service.state', 'ne', 'up'), severity: 'SEV2' },
    explains: { self: ['slow'] },
  },
  {
    id: 'redis-slow-commands',
    title: 'Slow Redis commands',
    pattern: 'Slow responses',
    when: t('redis.slow_commands_now', 'gt', 0),
    cause:
      'Redis {{service.name}} ran {{redis.slow_commands_now}} command(s) slower than {{thresholds.redis_slow_ms}} ms in the last {{redis.window}}, the slowest {{redis.slow_command_now}} ({{redis.slow_command_now_took}}, from {{redis.slow_command_now_client}}): Redis runs one command at a time, so every client waited behind it',
    evidence: ['{{#redis.blocked_clients}}{{redis.blocked_clients}} blocked client(s){{/redis.blocked_clients}}'],
    action: ifElse(
      'service.configured',
      'Stop the client sending it ({{redis.slow_command_now_client}}): replace KEYS with SCAN, big DEL with UNLINK, split large values; see: warroom diagnose redis {{service.name}}',
      'Stop the client sending it ({{redis.slow_command_now_client}}): replace KEYS with SCAN, big DEL with UNLINK, split large values',
    ),
    severity: 'SEV3',
    strength: 4,
    escalate: { when: t('redis.slow_command_now_ms', 'gte', 1000), severity: 'SEV2' },
    explains: { dependents: ['slow', 'hanging', 'erroring:redis', 'erroring:connection'] },
  },
  {
    id: 'dependency-failing',
    title: 'Dependency reported failing',
    pattern: 'Partial failures',
    fallback: true,
    when: t('readiness.failing_count', 'gt', 0),
    cause:
      "{{service.name}}'s readiness reports {{readiness.first_key}} failing: {{readiness.first_error}}{{#readiness.first_service}} ({{readiness.first_service}} in warroom.yaml){{/readiness.first_service}}",
    evidence: ['{{http.target}}: {{http.error}}'],
    action: ifElse(
      'readiness.first_service',
      'Look at {{readiness.first_service}} itself: warroom health --service {{readiness.first_service}}',
      'No probe watches "{{readiness.first_key}}": add it as a service in warroom.yaml (postgres:, redis: or health:) and run triage again; meanwhile check it by hand',
    ),
    severity: 'SEV3',
    strength: 3,
    escalate: { when: t('service.state', 'eq', 'down'), severity: 'SEV2' },
    explains: { self: ['unhealthy', 'erroring', 'slow', 'hanging'] },
  },
  {
    id: 'service-hanging',
    title: 'Accepts connections but never answers',
    pattern: '502/503 errors',
    fallback: true,
    when: t('http.hanging', 'eq', true),
    cause:
      '{{service.name}} accepts connections but sent no answer within {{http.latency}}: its workers or event loop are stuck (blocking code, a deadlock, a stopped process)',
    evidence: ['{{http.error}}'],
    action: restart('Restart it'),
    severity: 'SEV1',
    strength: 3,
    explains: { self: ['hanging', 'unhealthy', 'slow', 'erroring'], dependents: ['hanging', 'slow', 'unhealthy', 'erroring'] },
  },
  {
    id: 'service-unhealthy',
    title: 'Readiness failing',
    pattern: '502/503 errors',
    fallback: true,
    when: {
      all: [
        t('http.outcome', 'in', ['http_5xx', 'http_error', 'failed', 'reset', 'unreachable', 'dns']),
        not(t('readiness.failing_count', 'gt', 0)),
      ],
    },
    cause: "{{service.name}}'s readiness fails without naming a dependency: {{http.error}}",
    evidence: [
      '{{#logs.top_signature}}most frequent error now: {{logs.top_signature}}{{/logs.top_signature}}',
      '{{#deploy.recent}}{{deploy.version}} was deployed {{deploy.ago}} ago{{^logs.available}}: without its logs warroom cannot tell whether the failures began with it{{/logs.available}}{{/deploy.recent}}',
    ],
    action: ifElse(
      'service.configured',
      'Read its errors: warroom logs analyze --service {{service.name}} --since 15m; its readiness: warroom diagnose app {{service.name}}',
      'Look at its readiness answer: warroom diagnose app --url {{http.target}}',
    ),
    severity: 'SEV2',
    strength: 2,
    explains: { self: ['unhealthy', 'erroring', 'unreachable'] },
  },
  {
    id: 'slow-endpoint',
    title: 'Latency inside the app',
    pattern: 'Slow responses',
    fallback: true,
    when: { any: [t('logs.slow_endpoint', 'exists', null), t('http.slow', 'eq', true)] },
    cause:
      '{{#logs.slow_endpoint}}Latency inside {{service.name}}: {{logs.slow_endpoint}} p50 {{logs.slow_endpoint_p50}} now{{#logs.slow_endpoint_before_p50}} (was {{logs.slow_endpoint_before_p50}}){{/logs.slow_endpoint_before_p50}}{{/logs.slow_endpoint}}{{^logs.slow_endpoint}}{{service.name}} answers its readiness in {{http.latency}}{{/logs.slow_endpoint}}, and no database or Redis cause was found: the time is spent in the app (CPU-bound code, an external API, a query that got slower)',
    evidence: [
      '{{#logs.slow_endpoint}}{{logs.slow_endpoint_requests}} request(s) in the last {{logs.current_window}}, p95 {{logs.slow_endpoint_p95_ms}} ms{{/logs.slow_endpoint}}',
      '{{#http.slow}}readiness {{http.latency}} (threshold {{thresholds.latency_ms}} ms){{/http.slow}}',
    ],
    action: ifElse(
      'logs.available',
      `See where the time goes, per endpoint: ${logsOf()}`,
      ifElse(
        'service.configured',
        'Configure its logs to see per-endpoint latency (services.{{service.name}}.logs); meanwhile: warroom diagnose app {{service.name}}',
        'Give triage the logs to see per-endpoint latency: warroom triage --url {{http.target}} --logs LOGFILE',
      ),
    ),
    severity: 'SEV3',
    strength: 2,
    escalate: { when: t('logs.slow_endpoint_p50_ms', 'gte', 5000), severity: 'SEV2' },
    explains: { self: ['slow'] },
  },
  {
    id: 'error-rate-high',
    title: 'High error rate',
    pattern: 'Partial failures',
    fallback: true,
    when: t('logs.erroring', 'eq', true),
    cause:
      "{{logs.error_rate_now_pct}}% of {{service.name}}'s log lines in the last {{logs.current_window}} are errors{{#logs.top_endpoint}}, mostly {{logs.top_endpoint}}{{/logs.top_endpoint}}{{#logs.top_signature}}: {{logs.top_signature}} ({{logs.top_signature_count}}×){{/logs.top_signature}}",
    evidence: ['{{logs.errors_now}} errors of {{logs.lines_now}} lines now; {{logs.errors_before}} of {{logs.lines_before}} before'],
    action: `Read the errors: ${logsOf()}`,
    severity: 'SEV3',
    strength: 2,
    explains: { self: ['erroring'] },
  },
  {
    id: 'errors-recovered',
    title: 'Errors earlier, none now (recovered)',
    kind: 'note',
    when: t('logs.recovered', 'eq', true),
    cause:
      '{{service.name}} had {{logs.errors_before}} error(s) earlier in the window{{#logs.recovered_top_endpoint}}, mostly {{logs.recovered_top_endpoint}}{{/logs.recovered_top_endpoint}}, the last {{logs.last_error_ago}} ago, and none in the last {{logs.current_window}} over {{logs.lines_now}} lines: recovered — a note about the past, not a current cause',
    action: `If it belongs to an incident, put it on the timeline; to see what it was: ${logsOf('1h')}`,
    severity: 'SEV4',
  },
  {
    id: 'cert-expired',
    title: 'Certificate expired',
    when: t('tls.expired', 'eq', true),
    cause: 'The TLS certificate of {{tls.target}} expired on {{tls.valid_to}}',
    evidence: ['days left {{tls.min_days_left}}'],
    action: 'Apply a new certificate (update it in the load balancer), then check: warroom diagnose network',
    severity: 'SEV1',
    strength: 5,
    explains: { self: ['unreachable', 'unhealthy'], dependents: ['unhealthy', 'erroring:connection'] },
  },
  {
    id: 'cert-expiring',
    title: 'Certificate expiring soon',
    when: { all: [t('tls.expired', 'ne', true), t('tls.min_days_left', 'lte', 'thresholds.tls_warn_days', true)] },
    cause: 'The TLS certificate of {{tls.target}} expires in {{tls.min_days_left}} days ({{tls.valid_to}})',
    evidence: ['issuer {{tls.issuer}}'],
    action: 'Renew the certificate and apply it before {{tls.valid_to}}',
    severity: 'SEV4',
    strength: 3,
    escalate: { when: t('tls.min_days_left', 'lte', 7), severity: 'SEV3' },
  },
  {
    id: 'cert-untrusted',
    title: 'Certificate not trusted',
    when: { any: [t('tls.chain_error', 'exists', null), t('tls.hostname_error', 'exists', null)] },
    cause: 'Clients will reject the certificate of {{tls.target}}: {{tls.chain_error}}{{tls.hostname_error}}',
    evidence: ['issuer {{tls.issuer}}'],
    action: 'Install a certificate with the full chain for the right host name',
    severity: 'SEV2',
    strength: 4,
    explains: { self: ['unreachable', 'unhealthy'], dependents: ['unhealthy', 'erroring:connection'] },
  },
  {
    id: 'disk-full',
    title: 'Disk full',
    pattern: 'Gradual degradation',
    when: t('disk.min_free_pct', 'lt', 'thresholds.disk_free_pct', true),
    cause: '{{disk.path}} has {{disk.min_free_pct}}% free ({{disk.free_human}})',
    evidence: ['inodes free {{disk.inodes_free_pct}}%'],
    action:
      'Clean logs and temp files (seed: docker system prune -f): warroom run clean-disk --path {{disk.path}} --older-than 7d (the path must be in remediation.clean_disk.allowed_paths)',
    severity: 'SEV3',
    strength: 4,
    escalate: { when: t('disk.min_free_pct', 'lt', 2), severity: 'SEV2' },
    explains: { self: ['unhealthy', 'erroring'], dependents: ['unhealthy', 'erroring'] },
  },
  {
    id: 'dns-failure',
    title: 'DNS resolution failing',
    when: t('dns.state', 'eq', 'down'),
    cause: '{{dns.error}}',
    evidence: ['{{dns.target}}'],
    action: 'Check the resolver and the DNS record of {{dns.target}}, then: warroom health --dns {{dns.target}}',
    severity: 'SEV2',
    strength: 4,
    explains: { self: ['unreachable'], dependents: ['unhealthy', 'erroring:connection'] },
  },
  {
    id: 'memory-growth',
    title: 'Memory growth / OOM kills',
    pattern: 'Memory growth',
    when: { any: [t('container.oom_killed', 'eq', true), t('container.restart_count', 'gte', 'thresholds.restart_count', true)] },
    cause:
      'Memory leak: container {{container.target}} {{#container.oom_killed}}was OOM-killed{{/container.oom_killed}} (restarts: {{container.restart_count}})',
    evidence: ['status {{container.status}}, restart count {{container.restart_count}}'],
    action: `Check memory use (docker stats), then ${restart('restart it')}`,
    severity: 'SEV2',
    strength: 5,
    explains: { self: ['unreachable', 'unhealthy', 'erroring', 'hanging'] },
  },
];
