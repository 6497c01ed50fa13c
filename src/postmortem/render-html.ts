import { durationInWords, formatUtcMinute, whyParts, type PostmortemModel, type SectionView } from '../core/postmortem.js';
import { formatDuration } from '../core/time.js';

/** Every user string goes through this: the page never contains markup a note wrote. */
export function escapeHtml(s: string): string {
  // Most timeline text has nothing to escape; the test is cheaper than five replaces (10,000-row timelines).
  if (!/[&<>"']/.test(s)) return s;
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const e = escapeHtml;
/** Multi-line user text: escaped, then paragraphs and line breaks. */
const prose = (s: string) =>
  s
    .split(/\n{2,}/)
    .map((p) => `<p>${e(p).replace(/\n/g, '<br>')}</p>`)
    .join('\n');

const CSS = `
:root{--fg:#1b1f24;--muted:#5b636e;--line:#d6dae0;--accent:#b42318;--prompt:#fff8e1;--warn:#fdecea}
*{box-sizing:border-box}
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);max-width:960px;margin:2rem auto;padding:0 1.25rem}
h1{font-size:1.7rem;margin:.2rem 0 .4rem}h2{font-size:1.25rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}h3{font-size:1.05rem;margin-top:1.2rem}
.meta{color:var(--muted)}.badge{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 .4rem;margin-right:.3rem;font-size:.85rem}
.badge.sev{border-color:var(--accent);color:var(--accent);font-weight:600}.badge.overdue{background:var(--accent);color:#fff;border-color:var(--accent)}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.9rem}th,td{border:1px solid var(--line);padding:.25rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.t{white-space:nowrap;font-variant-numeric:tabular-nums}
.facts th{width:14rem}
.prompt{background:var(--prompt);border-left:4px solid #e0a800;padding:.5rem .8rem;margin:.5rem 0}
.prompt strong{color:#7a5a00}
.hints{color:var(--muted);font-size:.9rem;margin:.3rem 0 .6rem 1rem}
.warn{background:var(--warn);border-left:4px solid var(--accent);padding:.5rem .8rem;margin:.8rem 0}
ol.whys li{margin-bottom:.4rem}
.phase-detection{color:#8a3ffc}.phase-investigation{color:#0f62fe}.phase-mitigation{color:#b28600}.phase-resolution{color:#198038}
footer{margin-top:2rem;color:var(--muted);font-size:.8rem}
@media print{body{margin:0;max-width:none;font-size:11pt}h2{break-after:avoid}tr,.prompt,.warn{break-inside:avoid}a{color:inherit;text-decoration:none}@page{margin:16mm}}
`;

function section(s: SectionView | undefined, headingLevel = 2): string {
  if (!s) return '';
  const h = `h${headingLevel}`;
  const body =
    s.content !== null ? prose(s.content) : `<div class="prompt" data-prompt="${s.key}"><strong>✍ To write:</strong> ${e(s.prompt)}</div>`;
  const hints = s.hints.length ? `<ul class="hints">${s.hints.map((x) => `<li>${e(x)}</li>`).join('')}</ul>` : '';
  return `<section id="${s.key}"><${h}>${e(s.title)}</${h}>\n${body}\n${hints}</section>`;
}

/** A self-contained, printable page (no external assets, no scripts) from the same model as the Markdown. */
export function renderHtml(m: PostmortemModel): string {
  const i = m.incident;
  const d = m.durations;
  const by = (k: string) => m.sections.find((s) => s.key === k);
  const person = (s: string | null) => (s ? e(s) : '—');
  const met = m.targets.responseTargetMet;
  const state = m.postmortem.state.replace(/_/g, ' ');
  const out: string[] = [];
  out.push(
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`,
  );
  out.push(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`);
  out.push(`<title>Post-mortem: ${e(i.title)}${i.id ? ` (${e(i.id)})` : ''}</title><style>${CSS}</style></head><body>`);
  out.push(
    `<header><div class="meta">${m.postmortem.level === 'full' ? 'Post-mortem' : 'Lightweight review'}${i.id ? ` · ${e(i.id)}` : ' · standalone report'}</div>`,
  );
  out.push(
    `<h1>${e(i.title)}</h1><div><span class="badge sev">${i.peakSeverity === i.severity ? i.severity : `${i.peakSeverity} → ${i.severity}`}</span><span class="badge" data-state="${m.postmortem.state}">${state}</span>`,
  );
  if (m.postmortem.dueAt)
    out.push(
      `<span class="badge${m.postmortem.overdue ? ' overdue' : ''}">due ${formatUtcMinute(m.postmortem.dueAt)}${m.postmortem.overdue ? ' — overdue' : ''}</span>`,
    );
  if (!m.postmortem.required) out.push(`<span class="badge">optional for ${i.peakSeverity}</span>`);
  out.push(
    `</div><p class="meta">Blameless: this review looks for the conditions in our systems and processes that let the incident happen, not for someone to blame.</p></header>`,
  );
  if (m.warnings.length) {
    out.push(
      `<div class="warn" id="blameless-warnings"><strong>Blameless check:</strong> some sentences read as blaming a person. Consider a systems framing.<ul>`,
    );
    for (const w of m.warnings) out.push(`<li><em>${e(w.field)}</em>: “${e(w.sentence)}” — ${e(w.reason)}</li>`);
    out.push(`</ul><p>${e(m.warnings[0].suggestion)}</p></div>`);
  }
  out.push(section(by('summary')));
  out.push(`<table class="facts"><tbody>`);
  const facts: [string, string][] = [
    ['Declared', formatUtcMinute(i.declaredAt)],
    ['Impact began', formatUtcMinute(d.impactStartAt)],
    ['Resolved', i.resolvedAt ? formatUtcMinute(i.resolvedAt) : '—'],
    ['Duration', d.ttr.ms === null ? '—' : durationInWords(d.ttr.ms)],
    ['Services', i.services.length ? e(i.services.join(', ')) : '—'],
    ['Incident commander', person(i.roles.commander)],
    ['Communications lead', person(i.roles.comms_lead)],
    ['Scribe', person(i.roles.scribe)],
    ['Responders', i.roles.responders.length ? e(i.roles.responders.join(', ')) : '—'],
    ['Time to detect (TTD)', d.ttd.text],
    ['Time to acknowledge (TTA)', d.tta.text],
    ['Time to mitigate (TTM)', d.ttm.text],
    ['Time to resolve (TTR)', d.ttr.text],
    [
      'Response target',
      met === null
        ? `not acknowledged (target ${formatDuration(m.targets.responseTimeMs)})`
        : `${met ? 'met' : 'missed'}: ${d.tta.text} against ${formatDuration(m.targets.responseTimeMs)}`,
    ],
    [
      'Updates sent',
      `${m.targets.cadence.updatesSent}; longest gap ${formatDuration(m.targets.cadence.maxGapMs)} (${m.targets.cadence.met ? 'cadence kept' : `cadence missed ${m.targets.cadence.misses.length}×`})`,
    ],
  ];
  for (const [k, v] of facts) out.push(`<tr><th scope="row">${k}</th><td data-fact="${e(k)}">${v}</td></tr>`);
  out.push(`</tbody></table>`);
  out.push(section(by('impact'), 3));
  if (m.severityChanges.length)
    out.push(
      `<h3>Severity changes</h3><ul>${m.severityChanges.map((c) => `<li>${formatUtcMinute(c.at)}: ${c.from} → ${c.to}${c.reason ? ` — ${e(c.reason)}` : ''} (${e(c.author)})</li>`).join('')}</ul>`,
    );
  if (m.findings.length)
    out.push(
      `<h3>Triage findings</h3><ul>${m.findings.map((f) => `<li>${formatUtcMinute(f.at)} — ${e(f.text)} (${e(f.author)})</li>`).join('')}</ul>`,
    );
  if (m.updates.length)
    out.push(
      `<h3>Updates sent</h3><ul>${m.updates.map((f) => `<li>${formatUtcMinute(f.at)} — ${e(f.text)} (${e(f.author)})</li>`).join('')}</ul>`,
    );
  out.push(
    `<section id="timeline"><h2>Timeline</h2><p class="meta">All times UTC; T+ counts from the start of impact.</p><table><thead><tr><th>Time (UTC)</th><th>T+</th><th>Phase</th><th>What happened</th><th>Who</th></tr></thead><tbody>`,
  );
  const rows = new Array<string>(m.timeline.length);
  for (let i = 0; i < m.timeline.length; i++) {
    const r = m.timeline[i];
    rows[i] =
      `<tr data-kind="${r.kind}"><td class="t">${r.time}</td><td class="t">${r.offset}</td><td class="phase-${r.phase}">${r.phase}</td><td>${e(r.text)}${r.corrects ? ` <em>(corrects #${r.corrects})</em>` : ''}</td><td>${e(r.author)}</td></tr>`;
  }
  out.push(rows.join('\n'));
  out.push(`</tbody></table></section>`);
  out.push(section(by('root_cause')));
  if (m.postmortem.level === 'full' || m.whys.length) {
    out.push(`<section id="five-whys"><h3>Five Whys</h3>`);
    if (m.whys.length) {
      out.push(
        `<ol class="whys">${m.whys
          .map(whyParts)
          .map((w) => `<li><strong>Why?</strong> ${e(w.why)}<br>→ Because ${e(w.because)}</li>`)
          .join('')}</ol>`,
      );
      out.push(`<p><strong>Root cause (last answer):</strong> ${e(whyParts(m.whys[m.whys.length - 1]).because)}</p>`);
    } else out.push(`<div class="prompt" data-prompt="whys"><strong>✍ To write:</strong> ${e(m.whysPrompt)}</div>`);
    out.push(`</section>`);
  }
  out.push(section(by('contributing_factors')));
  out.push(section(by('what_went_well')));
  out.push(section(by('what_could_be_improved')));
  out.push(`<section id="action-items"><h2>Action items</h2>`);
  if (m.actionItems.length) {
    out.push(`<table><thead><tr><th>#</th><th>Action</th><th>Kind</th><th>Owner</th><th>Due</th><th>Status</th></tr></thead><tbody>`);
    for (const a of m.actionItems)
      out.push(
        `<tr><td>${a.id}</td><td>${e(a.title)}</td><td>${a.kind}</td><td>${e(a.owner)}</td><td class="t">${a.dueDate}</td><td>${a.status === 'done' ? 'done' : a.overdue ? '<strong>open — overdue</strong>' : 'open'}</td></tr>`,
      );
    out.push(`</tbody></table>`);
  } else
    out.push(
      `<div class="prompt" data-prompt="action_items"><strong>✍ To write:</strong> every finding needs a concrete action item with an owner and a due date: fix the root cause, add monitoring, add tests, update the runbook.</div>`,
    );
  out.push(`</section><footer>Generated by warroom at ${e(m.generatedAt)}.</footer></body></html>\n`);
  return out.join('\n');
}
