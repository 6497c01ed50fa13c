import net from 'node:net';

// Vitest set-up file (vitest.config.ts setupFiles): tests talk to real peers on this machine
// only — a receiver, PostgreSQL, Redis, an SMTP or TLS server on loopback, or a unix socket.
// A connection anywhere else (a real Slack, PagerDuty, a DNS name that resolves off-box) would
// make a test depend on the network and could send a real message, so it fails at once.
//
// Every TCP client in Node goes through net.Socket.prototype.connect: net.connect and
// net.createConnection, tls.connect, http/https requests (through their agents), and undici,
// so fetch() too (its "fetch failed" has this error as its cause). Child processes (the built
// CLI, `warroom serve`) are not guarded: they run without this file.

const GUARDED = Symbol.for('warroom.networkGuard');

/** True for the addresses a test may connect to: loopback names and addresses. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return net.isIPv4(v4) && v4.split('.')[0] === '127';
}

/** Where a Socket#connect call is going: a unix socket path, or a host (localhost when not given). */
export function connectTarget(args: unknown[]): { path: string } | { host: string; port: unknown } {
  let first = args[0];
  // net.Socket#connect is also called with the normalised [options, callback] array.
  if (Array.isArray(first)) first = first[0];
  if (first && typeof first === 'object') {
    const o = first as { path?: string; host?: string; port?: unknown };
    if (o.path) return { path: o.path };
    return { host: o.host || 'localhost', port: o.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { path: first };
  return { host: typeof args[1] === 'string' && args[1] ? args[1] : 'localhost', port: first };
}

export class NetworkGuardError extends Error {
  constructor(host: string, port: unknown) {
    super(
      `network guard: a test tried to connect to ${host}${port === undefined ? '' : `:${String(port)}`}, which is not loopback. ` +
        'Tests reach only peers on this machine (127.0.0.0/8, ::1, localhost, unix sockets): start a local receiver and point the config at it (see test/helpers/network-guard.ts).',
    );
    this.name = 'NetworkGuardError';
  }
}

export function installNetworkGuard(): void {
  const proto = net.Socket.prototype as net.Socket & { [GUARDED]?: true };
  if (proto[GUARDED]) return;
  const connect = proto.connect;
  proto.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = connectTarget(args);
    if ('host' in target && !isLoopbackHost(target.host)) throw new NetworkGuardError(target.host, target.port);
    return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof proto.connect;
  proto[GUARDED] = true;
}

installNetworkGuard();
