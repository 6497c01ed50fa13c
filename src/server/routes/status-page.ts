import type { FastifyInstance } from 'fastify';
import { readStatusPage, type PublicStatus } from '../../app/read-status-page.js';
import { componentLabel } from '../../notify/status-page.js';
import { defineRoute } from '../route.js';
import type { ServerDeps } from '../deps.js';

/** Everything user-written is escaped: the page is HTML without JavaScript. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STATE_LABEL: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};
const COLOUR: Record<string, string> = {
  operational: '#1a7f37',
  degraded_performance: '#9a6700',
  partial_outage: '#bc4c00',
  major_outage: '#cf222e',
};

export function renderStatusHtml(s: PublicStatus): string {
  const e = escapeHtml;
  const overallText = s.overall === 'operational' ? 'All systems operational' : componentLabel(s.overall);
  const comps = s.components
    .map(
      (c) =>
        `<li><span class="name">${e(c.name)}</span><span class="state" style="color:${COLOUR[c.state]}">${e(componentLabel(c.state))}</span></li>`,
    )
    .join('');
  const incs = s.incidents
    .map(
      (i) => `<article class="incident" id="${e(i.id)}">
<h3>${e(i.title)} <small>${e(STATE_LABEL[i.state])}</small></h3>
${i.updates.map((u) => `<div class="update"><strong>${e(STATE_LABEL[u.state])}</strong> <time datetime="${e(u.at)}">${e(u.at.slice(0, 16).replace('T', ' '))} UTC</time><p>${e(u.text).replace(/\n/g, '<br>')}</p></div>`).join('\n')}
</article>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<title>${e(s.title)}</title>
<link rel="alternate" type="application/atom+xml" title="${e(s.title)}" href="/status/feed.atom">
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;color:#1f2328}
.overall{padding:1rem;border-radius:6px;color:#fff;background:${COLOUR[s.overall]}}ul{list-style:none;padding:0}
li{display:flex;justify-content:space-between;border-bottom:1px solid #d0d7de;padding:.5rem 0}.incident{border-top:1px solid #d0d7de;margin-top:1rem}
.update p{margin:.25rem 0 1rem}small{color:#59636e;font-weight:normal}</style></head>
<body><h1>${e(s.title)}</h1>
<p class="overall">${e(overallText)}</p>
<h2>Components</h2><ul>${comps || '<li>No components configured.</li>'}</ul>
<h2>Incidents</h2>${incs || '<p>No recent incidents.</p>'}
<p><small>Updated ${e(s.generatedAt.slice(0, 16).replace('T', ' '))} UTC · <a href="/status.json">JSON</a> · <a href="/status/feed.atom">Atom feed</a></small></p>
</body></html>`;
}

export function renderAtom(s: PublicStatus, base: string): string {
  const e = escapeHtml;
  const entries = s.incidents
    .flatMap((i) => i.updates.map((u) => ({ i, u })))
    .sort((a, b) => (a.u.at < b.u.at ? 1 : -1))
    .slice(0, 50);
  const updated = entries[0]?.u.at ?? s.generatedAt;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<title>${e(s.title)}</title>
<id>${e(`${base}/status`)}</id>
<link rel="alternate" type="text/html" href="${e(`${base}/status`)}"/>
<link rel="self" type="application/atom+xml" href="${e(`${base}/status/feed.atom`)}"/>
<updated>${e(updated)}</updated>
${entries
  .map(
    ({ i, u }) => `<entry>
<id>${e(`${base}/status#update-${u.id}`)}</id>
<title>[${e(STATE_LABEL[u.state])}] ${e(i.title)}</title>
<updated>${e(u.at)}</updated>
<author><name>${e(s.title)}</name></author>
<link rel="alternate" type="text/html" href="${e(`${base}/status#${i.id}`)}"/>
<content type="text">${e(u.text)}</content>
</entry>`,
  )
  .join('\n')}
</feed>`;
}

/** Public routes (not under /api): the only unauthenticated views, built from public posts only. */
export function registerStatusPageRoutes(app: FastifyInstance, deps: ServerDeps): void {
  const ctx = { store: deps.store, config: deps.config, now: deps.now };
  defineRoute(
    app,
    deps,
    { method: 'GET', url: '/status', role: 'public', summary: 'Public status page (HTML, no JavaScript)', tags: ['status'] },
    async ({ reply }) => {
      reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('cache-control', 'public, max-age=15')
        .header(
          'content-security-policy',
          "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        );
      return renderStatusHtml(await readStatusPage(ctx));
    },
  );
  defineRoute(
    app,
    deps,
    { method: 'GET', url: '/status.json', role: 'public', summary: 'Public status (JSON)', tags: ['status'] },
    async ({ reply }) => {
      reply.header('cache-control', 'public, max-age=15');
      return readStatusPage(ctx);
    },
  );
  defineRoute(
    app,
    deps,
    { method: 'GET', url: '/status/feed.atom', role: 'public', summary: 'Public status updates (Atom feed)', tags: ['status'] },
    async ({ req, reply }) => {
      const base = deps.config.server?.public_url?.replace(/\/+$/, '') ?? `${req.protocol}://${req.host}`;
      reply.header('content-type', 'application/atom+xml; charset=utf-8').header('cache-control', 'public, max-age=60');
      return renderAtom(await readStatusPage(ctx), base);
    },
  );
}
