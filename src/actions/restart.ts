import { validation, WarroomError } from '../core/errors.js';
import { engineJson, DEFAULT_DOCKER_SOCKET } from '../docker/engine.js';
import {
  commandTimeout,
  findService,
  hasHealthChecks,
  healthTimeout,
  killGrace,
  onlyKeys,
  optString,
  outcome,
  waitHealthy,
} from './common.js';
import { runCommand } from './run-command.js';
import type { ActionOutcome, PrepareAction, StepResult } from './types.js';

/** Seconds Docker waits for the container to stop before it kills it (docker restart -t). */
export const DOCKER_STOP_SECONDS = 10;

interface ContainerInspect {
  Id: string;
  Name: string;
  Config?: { Image?: string };
  State: { Status: string; Running: boolean; StartedAt: string; Restarting?: boolean; Health?: { Status: string } };
}

/**
 * restart --service NAME: through the Docker Engine API when the service has a container,
 * otherwise with services.NAME.restart (an argument array); then waits for the health checks.
 */
export const prepareRestart: PrepareAction = async (env, o) => {
  onlyKeys(o, ['service'], 'restart');
  const { name, svc } = findService(env.config, optString(o, 'service', true));
  const hTimeout = healthTimeout(env.config);
  const checks = hasHealthChecks(svc);
  const verifyStep = {
    kind: 'verify' as const,
    description: checks
      ? `wait up to ${Math.round(hTimeout / 1000)}s for ${name}'s health checks to pass`
      : `no health check configured for ${name}: recovery cannot be verified`,
    timeoutMs: checks ? hTimeout : undefined,
  };
  const warnings = checks ? [] : [`${name} has no health check configured; warroom cannot tell whether the restart helped`];

  if (svc.container) {
    const { name: container } = svc.container;
    const socket = svc.container.socket ?? DEFAULT_DOCKER_SOCKET;
    const path = `/containers/${encodeURIComponent(container)}`;
    // Read-only look first: the plan shows what is running, and a wrong name fails before anything happens.
    const before = (await engineJson<ContainerInspect>({ socket, path: `${path}/json`, timeoutMs: 5000 })).body;
    return {
      plan: {
        action: 'restart',
        target: name,
        role: 'commander',
        summary: `restart container ${container} of ${name} through the Docker Engine API`,
        steps: [
          {
            kind: 'docker',
            description: `POST ${path}/restart?t=${DOCKER_STOP_SECONDS} on ${socket} (stop, waiting up to ${DOCKER_STOP_SECONDS}s, then start)`,
          },
          { kind: 'docker', description: `GET ${path}/json: check the container is running with a new start time` },
          verifyStep,
        ],
        facts: {
          service: name,
          container,
          socket,
          image: before.Config?.Image ?? null,
          state: before.State.Status,
          startedAt: before.State.StartedAt,
        },
        warnings,
      },
      async execute(): Promise<ActionOutcome> {
        const steps: StepResult[] = [];
        const t0 = performance.now();
        try {
          // The Engine answers when the container is up again: allow the stop grace plus start time.
          await engineJson({
            socket,
            method: 'POST',
            path: `${path}/restart`,
            query: { t: DOCKER_STOP_SECONDS },
            timeoutMs: (DOCKER_STOP_SECONDS + 50) * 1000,
            signal: env.signal,
          });
        } catch (e) {
          const aborted = env.signal?.aborted;
          const msg = env.redact(e instanceof WarroomError ? e.message : (e as Error).message);
          steps.push({
            description: 'docker restart',
            status: aborted ? 'interrupted' : 'failed',
            durationMs: Math.round(performance.now() - t0),
            error: msg,
          });
          return outcome({
            status: aborted ? 'interrupted' : 'failed',
            steps,
            error: msg,
            summary: `restart of ${container} ${aborted ? 'interrupted' : 'failed'}: ${msg}`,
            output: msg,
            verification: { ok: null, detail: 'not checked: the restart did not complete' },
          });
        }
        steps.push({ description: `docker restart ${container}`, status: 'succeeded', durationMs: Math.round(performance.now() - t0) });
        const after = (await engineJson<ContainerInspect>({ socket, path: `${path}/json`, timeoutMs: 5000 })).body;
        const restarted = after.State.Running && after.State.StartedAt !== before.State.StartedAt;
        const lines = [
          `container ${container}: ${before.State.Status} (started ${before.State.StartedAt}) → ${after.State.Status} (started ${after.State.StartedAt})`,
        ];
        if (!restarted) {
          steps.push({
            description: 'container state after restart',
            status: 'failed',
            durationMs: 0,
            error: `container is ${after.State.Status}`,
          });
          return outcome({
            status: 'failed',
            steps,
            output: lines.join('\n'),
            error: `container ${container} is not running after the restart (${after.State.Status})`,
            summary: `restart of ${container}: the container is ${after.State.Status} afterwards`,
            verification: { ok: false, detail: `container ${container} is ${after.State.Status}` },
            facts: { before: before.State, after: after.State },
          });
        }
        const t1 = performance.now();
        const verification = await waitHealthy(env, name, svc, hTimeout);
        steps.push({
          description: `health re-check of ${name}`,
          status: verification.ok === false ? 'failed' : 'succeeded',
          durationMs: Math.round(performance.now() - t1),
        });
        const how =
          verification.ok === true ? 'service recovered' : verification.ok === false ? 'service NOT recovered' : 'recovery not verified';
        return outcome({
          status: 'succeeded',
          steps,
          output: lines.join('\n'),
          verification,
          summary: `restarted container ${container} of ${name}; ${how}`,
          facts: { container, startedAtBefore: before.State.StartedAt, startedAtAfter: after.State.StartedAt },
        });
      },
    };
  }

  if (!svc.restart)
    throw validation(
      `service: ${name} has neither a container nor a restart command; set services.${name}.container or services.${name}.restart`,
      'service',
    );
  const argv = svc.restart.map((a) => a.replaceAll('{service}', name));
  const timeoutMs = commandTimeout(env.config);
  return {
    plan: {
      action: 'restart',
      target: name,
      role: 'commander',
      summary: `restart ${name} with its configured restart command`,
      steps: [{ kind: 'command', description: `run the restart command for ${name}`, argv, timeoutMs }, verifyStep],
      facts: { service: name },
      warnings,
    },
    async execute() {
      const r = await runCommand({
        argv,
        timeoutMs,
        killGraceMs: killGrace(env.config),
        signal: env.signal,
        onLine: env.onLine,
        redact: env.redact,
        cwd: env.cwd,
      });
      const steps: StepResult[] = [
        {
          description: `restart command: ${argv.join(' ')}`,
          status: r.status,
          exitCode: r.exitCode,
          durationMs: r.durationMs,
          error: r.error,
        },
      ];
      if (r.status !== 'succeeded') {
        return outcome({
          status: r.status,
          exitCode: r.exitCode,
          output: r.output,
          steps,
          error: r.error,
          summary: `restart of ${name} ${r.status === 'failed' ? 'failed' : r.status.replace('_', ' ')}: ${r.error}`,
          verification: { ok: null, detail: 'not checked: the restart command did not succeed' },
        });
      }
      const t1 = performance.now();
      const verification = await waitHealthy(env, name, svc, hTimeout);
      steps.push({
        description: `health re-check of ${name}`,
        status: verification.ok === false ? 'failed' : 'succeeded',
        durationMs: Math.round(performance.now() - t1),
      });
      const how =
        verification.ok === true ? 'service recovered' : verification.ok === false ? 'service NOT recovered' : 'recovery not verified';
      return outcome({ status: 'succeeded', exitCode: 0, output: r.output, steps, verification, summary: `restarted ${name}; ${how}` });
    },
  };
};
