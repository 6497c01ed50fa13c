import { connect } from 'node:net';
import { checkSignal, describeNetError, result, splitHostPort } from './util.js';
import type { CheckOptions, CheckResult } from './types.js';

/** TCP connect: proves something listens, says nothing about whether it answers. */
export async function checkTcp(service: string, hostPort: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  let hp: { host: string; port: number };
  try {
    hp = splitHostPort(hostPort);
  } catch (e) {
    return result(service, 'tcp', hostPort, 'down', start, {}, (e as Error).message);
  }
  try {
    const address = await new Promise<string | undefined>((resolve, reject) => {
      const s = connect({ host: hp.host, port: hp.port, signal });
      s.once('connect', () => {
        const a = s.remoteAddress;
        s.destroy();
        resolve(a);
      });
      s.once('error', reject);
    });
    return result(service, 'tcp', hostPort, 'up', start, { address });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = signal.aborted ? `could not connect to ${hostPort} within ${timeoutMs} ms` : describeNetError(e, hostPort, timeoutMs);
    return result(service, 'tcp', hostPort, 'down', start, { code: err.code ?? (signal.aborted ? 'TIMEOUT' : null) }, msg);
  }
}
