import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTls } from '../../src/checks/tls.js';
import { checkHttp } from '../../src/checks/http.js';
import { makeCert, startHangingListener, startHttps, type Peer } from './peers.js';

let soon: Peer, expired: Peer, fine: Peer, hanging: Peer;
let soonCert: { cert: string; private: string };
let fineCert: { cert: string; private: string };

beforeAll(async () => {
  soonCert = await makeCert(-10, 3);
  fineCert = await makeCert(-10, 200);
  soon = await startHttps(soonCert);
  expired = await startHttps(await makeCert(-30, -2));
  fine = await startHttps(fineCert);
  hanging = await startHangingListener();
}, 60_000);
afterAll(async () => {
  await Promise.all([soon, expired, fine, hanging].map((p) => p?.close()));
});

describe('tls check against real local HTTPS servers with generated certificates', () => {
  it('finds a certificate expiring in 3 days (trusted through its CA) as degraded', async () => {
    const r = await checkTls('web', `localhost:${soon.port}`, { ca: soonCert.cert });
    expect(r.state).toBe('degraded');
    expect(r.evidence.daysLeft).toBeGreaterThan(2.5);
    expect(r.evidence.daysLeft).toBeLessThanOrEqual(3);
    expect(r.evidence.chainError).toBeNull();
    expect(r.error).toMatch(/expires in 2\.\d+ days|expires in 3 days/);
  });

  it('reports the chain error of a self-signed certificate that is not trusted', async () => {
    const r = await checkTls('web', `localhost:${fine.port}`);
    expect(r.state).toBe('down');
    expect(r.evidence.chainError).toMatch(/SELF_SIGNED/);
    expect(r.evidence.daysLeft).toBeGreaterThan(190);
  });

  it('is up for a trusted certificate far from expiry', async () => {
    const r = await checkTls('web', `localhost:${fine.port}`, { ca: fineCert.cert });
    expect(r.state).toBe('up');
    expect(r.error).toBeUndefined();
  });

  it('reports an expired certificate with its date, not as a chain problem', async () => {
    const r = await checkTls('web', `localhost:${expired.port}`);
    expect(r.state).toBe('down');
    expect(r.evidence.expired).toBe(true);
    expect(r.error).toMatch(/certificate expired/);
  });

  it('reports a hostname mismatch', async () => {
    // A certificate issued for other.example, served on localhost.
    const cert = await makeCert(-1, 200, 'other.example');
    const peer = await startHttps(cert);
    const r = await checkTls('web', `localhost:${peer.port}`, { ca: cert.cert });
    await peer.close();
    expect(r.state).toBe('down');
    expect(r.evidence.chainError).toBeNull();
    expect(r.evidence.hostnameError).toMatch(/localhost.*is not in the cert/);
    expect(r.error).toMatch(/hostname mismatch/);
  });

  it('times out a TLS endpoint that accepts and never handshakes', async () => {
    const r = await checkTls('web', `127.0.0.1:${hanging.port}`, { timeoutMs: 300 });
    expect(r.state).toBe('down');
    expect(r.error).toMatch(/did not complete within 300 ms/);
  });

  it('the http check refuses an untrusted certificate unless insecure is set', async () => {
    const strict = await checkHttp('web', { url: `${fine.url}/health` });
    expect(strict.state).toBe('down');
    expect(strict.error).toMatch(/certificate/i);
    const loose = await checkHttp('web', { url: `${fine.url}/health`, insecure: true });
    expect(loose.state).toBe('up');
  });
});
