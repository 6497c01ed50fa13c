import { lookup } from 'node:dns/promises';
import { checkSignal, raceSignal, result } from './util.js';
import type { CheckOptions, CheckResult } from './types.js';

/** Resolves a host name the way the application will (getaddrinfo: /etc/hosts, then DNS). */
export async function checkDns(service: string, hostname: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  const host = hostname.replace(/:\d+$/, '');
  try {
    // getaddrinfo runs on the thread pool and cannot be cancelled: race it instead.
    const addrs = await raceSignal(lookup(host, { all: true }), signal, () => Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
    if (!addrs.length) return result(service, 'dns', host, 'down', start, { addresses: [] }, `${host} resolves to no address`);
    return result(service, 'dns', host, 'up', start, { addresses: addrs.map((a) => a.address) });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const msg =
      code === 'TIMEOUT'
        ? `resolving ${host} took longer than ${timeoutMs} ms`
        : code === 'ENOTFOUND'
          ? `${host} does not resolve (NXDOMAIN or no such host)`
          : code === 'EAI_AGAIN'
            ? `${host}: temporary DNS failure (resolver unreachable or SERVFAIL)`
            : `${host}: ${(e as Error).message}`;
    return result(service, 'dns', host, 'down', start, { code: code ?? null }, msg);
  }
}
