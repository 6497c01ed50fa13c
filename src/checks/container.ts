import { engineJson } from '../docker/engine.js';
import { isWarroomError } from '../core/errors.js';
import { checkSignal, result } from './util.js';
import type { CheckOptions, CheckResult, CheckState } from './types.js';

/** The part of GET /containers/{id}/json we read. */
interface ContainerInspect {
  Name?: string;
  RestartCount?: number;
  Config?: { Image?: string };
  State?: {
    Status?: string;
    Running?: boolean;
    Paused?: boolean;
    Restarting?: boolean;
    OOMKilled?: boolean;
    Dead?: boolean;
    ExitCode?: number;
    Error?: string;
    StartedAt?: string;
    FinishedAt?: string;
    Health?: { Status?: string; FailingStreak?: number; Log?: { ExitCode?: number; Output?: string }[] };
  };
}

/** Container state through the Docker Engine API (no docker CLI, no shell). */
export async function checkContainer(
  service: string,
  container: { name: string; socket?: string },
  opts: CheckOptions = {},
): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  const target = `${container.name}${container.socket ? ` via ${container.socket}` : ''}`;
  try {
    const { body } = await engineJson<ContainerInspect>({
      socket: container.socket,
      path: `/containers/${encodeURIComponent(container.name)}/json`,
      timeoutMs,
      signal,
    });
    const st = body.State ?? {};
    const health = st.Health?.Status ?? null;
    const evidence: Record<string, unknown> = {
      status: st.Status ?? null,
      health,
      restartCount: body.RestartCount ?? 0,
      oomKilled: !!st.OOMKilled,
      exitCode: st.ExitCode ?? null,
      startedAt: st.StartedAt ?? null,
      finishedAt: st.FinishedAt ?? null,
      image: body.Config?.Image ?? null,
      ...(st.Health?.FailingStreak ? { failingStreak: st.Health.FailingStreak } : {}),
      ...(st.Health?.Log?.length ? { lastHealthOutput: String(st.Health.Log[st.Health.Log.length - 1].Output ?? '').slice(0, 300) } : {}),
    };
    let state: CheckState = 'up';
    const problems: string[] = [];
    if (st.Status !== 'running') {
      state = 'down';
      problems.push(
        `container is ${st.Status ?? 'in an unknown state'}${st.Status === 'exited' ? ` (exit code ${st.ExitCode}${st.OOMKilled ? ', OOM-killed' : ''})` : ''}`,
      );
    } else if (health === 'unhealthy') {
      state = 'down';
      problems.push(
        `container health check is unhealthy${st.Health?.FailingStreak ? ` (${st.Health.FailingStreak} failures in a row)` : ''}`,
      );
    } else if (health === 'starting') {
      state = 'degraded';
      problems.push('container health check is still starting');
    }
    if (st.OOMKilled && st.Status === 'running') {
      if (state === 'up') state = 'degraded';
      problems.push('was OOM-killed');
    }
    return result(service, 'container', target, state, start, evidence, problems.length ? problems.join('; ') : undefined);
  } catch (e) {
    const msg = signal.aborted
      ? `Docker Engine did not answer within ${timeoutMs} ms`
      : isWarroomError(e) && e.code === 'NOT_FOUND'
        ? `no container named ${container.name} (${e.message})`
        : (e as Error).message;
    return result(service, 'container', target, 'down', start, {}, msg);
  }
}
