import { checkServerIdentity, connect, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { checkSignal, describeNetError, result, splitHostPort } from './util.js';
import type { CheckOptions, CheckResult, CheckState } from './types.js';

export interface TlsOptions extends CheckOptions {
  /** Days before expiry at which the certificate counts as degraded (default 14). */
  warnDays?: number;
  /** Extra trusted CA certificates (PEM), on top of the system store and NODE_EXTRA_CA_CERTS. */
  ca?: string | string[];
  /** The clock, for tests and reproducible reports. */
  now?: Date;
}

const DAY = 86_400_000;

/**
 * Connects and reads the certificate without trusting it first, so an expired or
 * self-signed certificate still yields its dates; then judges expiry, chain and hostname.
 */
export async function checkTls(service: string, hostSpec: string, opts: TlsOptions = {}): Promise<CheckResult> {
  const start = process.hrtime.bigint();
  const { signal, timeoutMs } = checkSignal(opts);
  let hp: { host: string; port: number };
  try {
    hp = splitHostPort(hostSpec, 443);
  } catch (e) {
    return result(service, 'tls', hostSpec, 'down', start, {}, (e as Error).message);
  }
  const target = `${hp.host}:${hp.port}`;
  try {
    const { cert, authorized, authError, protocol } = await new Promise<{
      cert: PeerCertificate;
      authorized: boolean;
      authError: string | null;
      protocol: string | null;
    }>((resolve, reject) => {
      const s = connect({
        host: hp.host,
        port: hp.port,
        rejectUnauthorized: false,
        servername: isIP(hp.host) ? undefined : hp.host,
        ...(opts.ca && { ca: opts.ca }),
      });
      s.once('secureConnect', () => {
        const c = s.getPeerCertificate(false);
        const out = {
          cert: c,
          authorized: s.authorized,
          authError: s.authorizationError ? String(s.authorizationError) : null,
          protocol: s.getProtocol(),
        };
        s.destroy();
        resolve(out);
      });
      s.once('error', reject);
      // tls.connect takes no signal: destroy the socket ourselves on timeout or deadline.
      const abort = () => s.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (signal.aborted) abort();
      else signal.addEventListener('abort', abort, { once: true });
      s.once('close', () => signal.removeEventListener('abort', abort));
    });
    if (!cert || !cert.valid_to) return result(service, 'tls', target, 'down', start, {}, `${target} presented no certificate`);
    const now = (opts.now ?? new Date()).getTime();
    const notAfter = new Date(cert.valid_to);
    const notBefore = new Date(cert.valid_from);
    const daysLeft = Math.floor(((notAfter.getTime() - now) / DAY) * 10) / 10;
    const hostErr = checkServerIdentity(hp.host, cert);
    const warnDays = opts.warnDays ?? 14;
    // An expired certificate also fails the chain check; report the cause that matters.
    // Node folds the hostname check into authorizationError; we report that one separately.
    const chainError = authorized || authError === 'CERT_HAS_EXPIRED' || authError === 'ERR_TLS_CERT_ALTNAME_INVALID' ? null : authError;
    const evidence: Record<string, unknown> = {
      subject: cert.subject?.CN ?? null,
      issuer: cert.issuer?.CN ?? cert.issuer?.O ?? null,
      validFrom: notBefore.toISOString(),
      validTo: notAfter.toISOString(),
      daysLeft,
      expired: notAfter.getTime() <= now,
      notYetValid: notBefore.getTime() > now,
      chainError,
      hostnameError: hostErr ? hostErr.message : null,
      protocol,
      fingerprint256: cert.fingerprint256,
      warnDays,
    };
    const problems: string[] = [];
    let state: CheckState = 'up';
    if (evidence.expired) {
      state = 'down';
      problems.push(`certificate expired ${Math.abs(daysLeft)} days ago (${notAfter.toISOString()})`);
    } else if (evidence.notYetValid) {
      state = 'down';
      problems.push(`certificate not valid until ${notBefore.toISOString()}`);
    } else if (daysLeft <= warnDays) {
      state = 'degraded';
      problems.push(`certificate expires in ${daysLeft} days (${notAfter.toISOString()})`);
    }
    if (chainError) {
      state = 'down';
      problems.push(`certificate chain not trusted: ${chainError}`);
    }
    if (hostErr) {
      state = 'down';
      problems.push(`hostname mismatch: ${hostErr.message}`);
    }
    return result(service, 'tls', target, state, start, evidence, problems.length ? problems.join('; ') : undefined);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const msg = signal.aborted
      ? `TLS connection to ${target} did not complete within ${timeoutMs} ms`
      : describeNetError(e, target, timeoutMs);
    return result(service, 'tls', target, 'down', start, { code: err.code ?? (signal.aborted ? 'TIMEOUT' : null) }, msg);
  }
}
