import { createServer } from 'node:http';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { listActionRuns } from '../../src/app/run-action.js';
import { declareIncident } from '../../src/app/declare-incident.js';
import type { AppContext } from '../../src/app/context.js';
import { showIncident } from '../../src/app/list-incidents.js';

/** A real HTTP health endpoint on loopback: 200 once the marker file exists, 503 before. */
export async function startHealthEndpoint(marker: string): Promise<{ url: string; hits: () => number; close(): Promise<void> }> {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    const up = existsSync(marker);
    res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: up ? 'ok' : 'down' }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/health/ready`, hits: () => hits, close: () => new Promise((r) => server.close(() => r())) };
}

export async function newIncident(ctx: AppContext, title = 'Checkout errors'): Promise<string> {
  const ev = await declareIncident(ctx, { title, severity: 'SEV2' });
  return ev.incident.id;
}

/** The action entries on an incident's timeline. */
export async function actionEntries(ctx: AppContext, id: string) {
  const d = await showIncident(ctx, id);
  return d.timeline.filter((e) => e.kind === 'action');
}

export { listActionRuns };
