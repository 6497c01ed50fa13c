import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, isLoopbackHost, NetworkGuardError } from '../helpers/network-guard.js';

// The guard is installed by vitest.config.ts (setupFiles) before this file runs.
describe('network guard (test set-up)', () => {
  let server: http.Server;
  let port: number;
  beforeAll(async () => {
    server = http.createServer((_req, res) => res.end('ok'));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('knows loopback from the rest', () => {
    for (const h of ['localhost', '127.0.0.1', '127.8.9.10', '::1', '[::1]', '::ffff:127.0.0.1', 'app.localhost'])
      expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['192.0.2.1', '10.0.0.1', '0.0.0.0', 'example.com', 'hooks.slack.com', '::ffff:192.0.2.1', '2001:db8::1', '128.0.0.1'])
      expect(isLoopbackHost(h), h).toBe(false);
  });

  it('reads every form of Socket#connect', () => {
    expect(connectTarget([{ host: 'example.com', port: 443 }])).toEqual({ host: 'example.com', port: 443 });
    expect(connectTarget([{ port: 80 }])).toEqual({ host: 'localhost', port: 80 });
    expect(connectTarget([{ path: '/tmp/x.sock' }])).toEqual({ path: '/tmp/x.sock' });
    expect(connectTarget([80, 'example.com'])).toEqual({ host: 'example.com', port: 80 });
    expect(connectTarget(['80'])).toEqual({ host: 'localhost', port: '80' });
    expect(connectTarget(['/tmp/x.sock', () => {}])).toEqual({ path: '/tmp/x.sock' });
    expect(connectTarget([[{ host: 'example.com', port: 1 }, null]])).toEqual({ host: 'example.com', port: 1 });
  });

  it('refuses net.connect, http and undici to an address that is not loopback', async () => {
    expect(() => net.connect({ host: '192.0.2.1', port: 9 })).toThrow(NetworkGuardError);
    expect(() => net.connect(9, 'example.com')).toThrow(/network guard: a test tried to connect to example\.com:9, which is not loopback/);
    expect(() => http.get('http://192.0.2.1:9/')).toThrow(NetworkGuardError);
    const f = await fetch('http://192.0.2.1:8080/').catch((e: Error) => e);
    expect((f as Error & { cause?: unknown }).cause).toBeInstanceOf(NetworkGuardError);
    const u = await undiciRequest('http://192.0.2.1:8080/').catch((e: unknown) => e);
    expect(u).toBeInstanceOf(NetworkGuardError);
  });

  it('lets loopback and unix sockets through', async () => {
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe('ok');
    expect(await (await fetch(`http://localhost:${port}/`)).text()).toBe('ok');
    expect(await (await undiciRequest(`http://127.0.0.1:${port}/`)).body.text()).toBe('ok');
    const sock = join(mkdtempSync(join(tmpdir(), 'guard-')), 's.sock');
    const unix = net.createServer((c) => c.end('hi')).listen(sock);
    await once(unix, 'listening');
    const c = net.connect(sock);
    const [data] = await once(c, 'data');
    expect(String(data)).toBe('hi');
    await new Promise<void>((r) => unix.close(() => r()));
  });
});
