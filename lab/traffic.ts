/**
 * Background traffic: a small bounded client on loopback with its own User-Agent. It sends at a
 * fixed rate for a fixed time (so the count is bounded) and never waits longer than timeoutMs
 * for an answer, so a hanging app cannot stall a scenario.
 */
export const USER_AGENT = 'lab-traffic/1.0';

export interface Req {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  weight?: number;
}

/** Endpoint mixes the scenarios draw from. */
export const MIX = {
  browse: [
    { method: 'GET', path: '/api/products', weight: 3 },
    { method: 'GET', path: '/api/orders/7', weight: 2 },
    { method: 'GET', path: '/api/products/search?q=product', weight: 1 },
  ],
  cart: [
    { method: 'GET', path: '/api/cart/u17', weight: 1 },
    { method: 'POST', path: '/api/cart/u17', body: { product_id: 3, qty: 1 }, weight: 2 },
  ],
  orders: [{ method: 'POST', path: '/api/orders', body: { product_id: 5, qty: 1, user: 'u42' }, weight: 1 }],
  /** Orders of product 1: the row a lock scenario holds. */
  ordersLocked: [{ method: 'POST', path: '/api/orders', body: { product_id: 1, qty: 1, user: 'u7' }, weight: 1 }],
  export: [{ method: 'GET', path: '/api/reports/export', weight: 1 }],
  search: [{ method: 'GET', path: '/api/products/search?q=product+1', weight: 1 }],
  /** Order look-ups (the customer's order page): the endpoint the slow-after-deploy release slows down. */
  orderLookup: [{ method: 'GET', path: '/api/orders/12', weight: 1 }],
} satisfies Record<string, Req[]>;

export const mix = (...parts: Req[][]): Req[] => parts.flat();
/** The same requests, n times as likely. */
export const times = (reqs: Req[], n: number): Req[] => reqs.map((r) => ({ ...r, weight: (r.weight ?? 1) * n }));

export interface TrafficResult {
  sent: number;
  byStatus: Record<string, number>;
  slowest: number;
}

export async function traffic(
  baseUrl: string,
  reqs: Req[],
  o: { seconds: number; rps: number; timeoutMs?: number },
): Promise<TrafficResult> {
  const total = Math.max(1, Math.round(o.seconds * o.rps));
  const weights = reqs.map((r) => r.weight ?? 1);
  const sum = weights.reduce((a, b) => a + b, 0);
  const byStatus: Record<string, number> = {};
  let slowest = 0;
  const inflight: Promise<void>[] = [];
  // Deterministic weighted round-robin: the same scenario sends the same requests every run.
  let acc = 0;
  for (let i = 0; i < total; i++) {
    acc = (acc + 0.618_033_988_75 * sum) % sum;
    let k = 0;
    for (let x = acc; k < reqs.length - 1 && x >= weights[k]; k++) x -= weights[k];
    const r = reqs[k];
    const t0 = performance.now();
    inflight.push(
      fetch(baseUrl + r.path, {
        method: r.method,
        signal: AbortSignal.timeout(o.timeoutMs ?? 3000),
        headers: { 'user-agent': USER_AGENT, ...(r.body !== undefined && { 'content-type': 'application/json' }) },
        body: r.body !== undefined ? JSON.stringify(r.body) : undefined,
      })
        .then(
          async (res) => {
            await res.arrayBuffer();
            return String(res.status);
          },
          (e: Error) => (e.name === 'TimeoutError' ? 'timeout' : 'refused'),
        )
        .then((s) => {
          byStatus[s] = (byStatus[s] ?? 0) + 1;
          slowest = Math.max(slowest, performance.now() - t0);
        }),
    );
    await new Promise((res) => setTimeout(res, 1000 / o.rps));
  }
  await Promise.all(inflight);
  return { sent: total, byStatus, slowest: Math.round(slowest) };
}
