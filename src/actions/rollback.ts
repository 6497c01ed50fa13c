import { validation } from '../core/errors.js';
import {
  commandTimeout,
  fillPlaceholders,
  findService,
  healthTimeout,
  killGrace,
  onlyKeys,
  optString,
  outcome,
  waitHealthy,
  hasHealthChecks,
} from './common.js';
import { runCommand } from './run-command.js';
import type { PrepareAction, StepResult } from './types.js';

/**
 * A version is passed to the rollback command as one argument. No shell means no injection, but
 * a value starting with "-" would still be read by the script as an option, so it is refused.
 */
export function checkVersion(v: string, field = 'to'): string {
  const t = v.trim();
  if (!t) throw validation(`${field}: must not be empty`, field);
  if (t.length > 200) throw validation(`${field}: too long (at most 200 characters)`, field);
  if (t.startsWith('-')) throw validation(`${field}: "${t}" starts with "-" and would be read as an option by the rollback command`, field);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001F\u007F]/.test(t)) throw validation(`${field}: a version has no spaces or control characters`, field);
  return t;
}

/**
 * rollback --service NAME [--to VERSION]: runs the team's rollback command (services.NAME.rollback)
 * with {service} and {version}, records a 'rollback' deploy on success, then waits for the
 * service's health checks to pass.
 */
export const prepareRollback: PrepareAction = async (env, o) => {
  onlyKeys(o, ['service', 'to'], 'rollback');
  const { name, svc } = findService(env.config, optString(o, 'service', true));
  if (!svc.rollback)
    throw validation(
      `service: ${name} has no rollback command; set services.${name}.rollback to an argument array, e.g. ["./scripts/deploy.sh", "--rollback", "--version", "{version}"]`,
      'service',
    );
  const deploys = (await env.listDeploys(name)).filter((d) => d.kind !== 'infra');
  const current = deploys[0] ?? null;
  const explicit = optString(o, 'to');
  let target: string;
  if (explicit !== undefined) {
    target = checkVersion(explicit);
    if (current && current.version === target)
      throw validation(`to: ${name} is already at ${target} (the latest recorded deploy); nothing to roll back to`, 'to');
  } else {
    if (!current)
      throw validation(
        `to: no deploys of ${name} are recorded, so there is no previous version to roll back to; pass --to VERSION (or record deploys with "warroom deploy record")`,
        'to',
      );
    // After a rollback the "previous" record is the bad version we just left: guessing would
    // redeploy it, so a second rollback needs an explicit target.
    if (current.kind === 'rollback')
      throw validation(
        `to: the latest deploy of ${name} is already a rollback (to ${current.version} at ${current.at}); pass --to VERSION to choose where to go`,
        'to',
      );
    const previous = deploys.find((d) => d.version !== current.version);
    if (!previous)
      throw validation(
        `to: only one version of ${name} is recorded (${current.version}); there is no previous version to roll back to; pass --to VERSION`,
        'to',
      );
    target = checkVersion(previous.version, 'to');
  }
  const argv = svc.rollback.map((a, i) => fillPlaceholders(a, { service: name, version: target }, `services.${name}.rollback[${i}]`));
  const timeoutMs = commandTimeout(env.config);
  const hTimeout = healthTimeout(env.config);
  const checks = hasHealthChecks(svc);
  return {
    plan: {
      action: 'rollback',
      target: name,
      role: 'commander',
      summary: `roll back ${name} from ${current?.version ?? 'unknown'} to ${target}`,
      steps: [
        { kind: 'command', description: `run the rollback command for ${name}`, argv, timeoutMs },
        { kind: 'record', description: `record a rollback deploy of ${name} to ${target}` },
        {
          kind: 'verify',
          description: checks
            ? `wait up to ${Math.round(hTimeout / 1000)}s for ${name}'s health checks to pass`
            : `no health check configured for ${name}: recovery cannot be verified`,
          timeoutMs: checks ? hTimeout : undefined,
        },
      ],
      facts: { service: name, from: current?.version ?? null, to: target, fromDeployedAt: current?.at ?? null },
      warnings: checks ? [] : [`${name} has no health check configured; warroom cannot tell whether the rollback helped`],
    },
    async execute() {
      const steps: StepResult[] = [];
      const r = await runCommand({
        argv,
        timeoutMs,
        killGraceMs: killGrace(env.config),
        signal: env.signal,
        onLine: env.onLine,
        redact: env.redact,
        cwd: env.cwd,
      });
      steps.push({
        description: `rollback command: ${argv.join(' ')}`,
        status: r.status,
        exitCode: r.exitCode,
        durationMs: r.durationMs,
        error: r.error,
      });
      if (r.status !== 'succeeded') {
        return outcome({
          status: r.status,
          exitCode: r.exitCode,
          output: r.output,
          steps,
          error: r.error,
          summary: `rollback of ${name} to ${target} ${r.status === 'failed' ? 'failed' : r.status.replace('_', ' ')}: ${r.error}`,
          verification: { ok: null, detail: 'not checked: the rollback command did not succeed' },
          facts: { from: current?.version ?? null, to: target },
        });
      }
      const rec = await env.recordDeploy({
        service: name,
        version: target,
        kind: 'rollback',
        description: `rollback from ${current?.version ?? 'unknown'}${env.incidentId ? ` for ${env.incidentId}` : ''} (warroom run rollback)`,
      });
      steps.push({ description: `recorded rollback deploy #${rec.id}`, status: 'succeeded', durationMs: 0 });
      const started = performance.now();
      const verification = await waitHealthy(env, name, svc, hTimeout);
      steps.push({
        description: `health re-check of ${name}`,
        status: verification.ok === false ? 'failed' : 'succeeded',
        durationMs: Math.round(performance.now() - started),
      });
      const how =
        verification.ok === true ? 'service recovered' : verification.ok === false ? 'service NOT recovered' : 'recovery not verified';
      return outcome({
        status: 'succeeded',
        exitCode: r.exitCode,
        output: r.output,
        steps,
        verification,
        summary: `rolled back ${name} from ${current?.version ?? 'unknown'} to ${target}; ${how}`,
        facts: { from: current?.version ?? null, to: target, deployId: rec.id },
      });
    },
  };
};
