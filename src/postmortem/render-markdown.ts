import Mustache from 'mustache';
import { durationInWords, formatUtcMinute, whyParts, type PostmortemModel, type SectionView } from '../core/postmortem.js';
import { formatDuration } from '../core/time.js';

/**
 * Markdown escaping for user text. "<" becomes &lt; so nobody's note turns into live HTML in a
 * Markdown viewer; inside table cells "|" is escaped and line breaks become spaces so a
 * multi-line note cannot break the table.
 */
export const escapeMdBlock = (s: string) => (/[&<]/.test(s) ? s.replace(/&(?=[#a-zA-Z0-9]+;)/g, '&amp;').replace(/</g, '&lt;') : s);
export const escapeMdCell = (s: string) =>
  /[&<|\r\n]/.test(s)
    ? escapeMdBlock(s)
        .replace(/\r?\n+/g, ' ')
        .replace(/\|/g, '\\|')
    : s;
const escapeMdLine = (s: string) => escapeMdBlock(s).replace(/\r?\n+/g, ' ');

const rowText = (r: PostmortemModel['timeline'][number]) => escapeMdCell(r.corrects ? `${r.text} (corrects #${r.corrects})` : r.text);

const STATE_LABEL = { draft: 'draft', in_review: 'in review', published: 'published' } as const;

function sectionView(s: SectionView | undefined) {
  if (!s) return { hasContent: false, content: '', prompt: '', hints: [] };
  return {
    hasContent: s.content !== null,
    content: s.content === null ? '' : escapeMdBlock(s.content),
    prompt: s.prompt,
    hints: s.hints.map(escapeMdLine),
  };
}

/** The view the Mustache template sees: every user string already escaped (templates use {{x}}; escaping is ours). */
export function buildTemplateView(m: PostmortemModel): Record<string, unknown> {
  const i = m.incident;
  const d = m.durations;
  const by = (k: string) => m.sections.find((s) => s.key === k);
  const who = (s: string | null) => (s ? escapeMdCell(s) : '—');
  const targetMet = m.targets.responseTargetMet;
  const view: Record<string, unknown> = {
    title: escapeMdLine(i.title),
    incidentId: i.id,
    incidentIdOrId: i.id ?? 'INC-ID',
    severity: i.severity,
    peakSeverity: i.peakSeverity,
    severityLabel: i.peakSeverity === i.severity ? i.severity : `${i.peakSeverity} at peak, ${i.severity} at resolution`,
    state: m.postmortem.state,
    stateLabel: STATE_LABEL[m.postmortem.state],
    level: m.postmortem.level,
    levelLabel: m.postmortem.required ? `${m.postmortem.level} review` : 'optional review: not required for this severity',
    dueText: m.postmortem.dueAt ? `${formatUtcMinute(m.postmortem.dueAt)}${m.postmortem.overdue ? ' (OVERDUE)' : ''}` : null,
    generatedAt: m.generatedAt,
    declaredAt: formatUtcMinute(i.declaredAt),
    impactStartAt: formatUtcMinute(d.impactStartAt),
    resolvedAt: i.resolvedAt ? formatUtcMinute(i.resolvedAt) : '—',
    servicesText: i.services.length ? escapeMdCell(i.services.join(', ')) : '—',
    commander: who(i.roles.commander),
    commsLead: who(i.roles.comms_lead),
    scribe: who(i.roles.scribe),
    respondersText: i.roles.responders.length ? escapeMdCell(i.roles.responders.join(', ')) : '—',
    ttd: d.ttd.text,
    tta: d.tta.text,
    ttm: d.ttm.text,
    ttr: d.ttr.text,
    /** Declared → resolved, as people say it ("47 minutes"); "—" while unresolved. */
    duration: d.ttr.ms === null ? '—' : durationInWords(d.ttr.ms),
    impactDuration: d.impactDuration.text,
    responseTargetText:
      targetMet === null
        ? `not acknowledged (target ${formatDuration(m.targets.responseTimeMs)})`
        : `${targetMet ? 'met' : 'missed'}: ${d.tta.text} against ${formatDuration(m.targets.responseTimeMs)}`,
    cadenceText: `${m.targets.cadence.updatesSent}; longest gap ${formatDuration(m.targets.cadence.maxGapMs)} (${m.targets.cadence.met ? 'cadence kept' : `cadence missed ${m.targets.cadence.misses.length}×`})`,
    hasSeverityChanges: m.severityChanges.length > 0,
    severityChanges: m.severityChanges.map((c) => ({
      time: formatUtcMinute(c.at),
      from: c.from,
      to: c.to,
      reason: c.reason ? escapeMdLine(c.reason) : null,
      author: escapeMdLine(c.author),
    })),
    hasFindings: m.findings.length > 0,
    findings: m.findings.map((f) => ({ time: formatUtcMinute(f.at), text: escapeMdLine(f.text), author: escapeMdLine(f.author) })),
    hasUpdates: m.updates.length > 0,
    updates: m.updates.map((f) => ({ time: formatUtcMinute(f.at), text: escapeMdLine(f.text), author: escapeMdLine(f.author) })),
    // Both forms are computed only if the template uses them (Mustache calls functions lazily):
    // {{#timeline}} rows for custom layouts, {{timelineRows}} pre-rendered table rows, which the
    // shipped template uses because it keeps a 10,000-entry timeline fast.
    timeline: () =>
      m.timeline.map((r) => ({
        time: r.time,
        offset: r.offset,
        phase: r.phase,
        kind: r.kind,
        text: rowText(r),
        author: escapeMdCell(r.author),
      })),
    timelineRows: () =>
      m.timeline.map((r) => `| ${r.time} | ${r.offset} | ${r.phase} | ${rowText(r)} | ${escapeMdCell(r.author)} |`).join('\n'),
    hasWhys: m.whys.length > 0,
    // The template writes "Why?" and "Because" itself: the texts come without the prefixes people may have typed.
    whys: m.whys.map((w, n) => {
      const x = whyParts(w);
      return { n: n + 1, why: escapeMdLine(x.why), because: escapeMdLine(x.because) };
    }),
    lastBecause: m.whys.length ? escapeMdLine(whyParts(m.whys[m.whys.length - 1]).because) : '',
    whysPrompt: escapeMdLine(m.whysPrompt),
    hasActionItems: m.actionItems.length > 0,
    actionItems: m.actionItems.map((a) => ({
      id: a.id,
      title: escapeMdCell(a.title),
      kind: a.kind,
      owner: escapeMdCell(a.owner),
      dueDate: a.dueDate,
      statusText: a.status === 'done' ? 'done' : a.overdue ? 'open (OVERDUE)' : 'open',
    })),
    hasWarnings: m.warnings.length > 0,
    warnings: m.warnings.map((w) => ({ field: w.field, sentence: escapeMdLine(w.sentence), reason: w.reason })),
  };
  for (const key of ['summary', 'impact', 'root_cause', 'contributing_factors', 'what_went_well', 'what_could_be_improved'])
    view[key] = sectionView(by(key));
  return view;
}

/** Renders the model through a Mustache template. Escaping already happened in the view, so Mustache's HTML escaping is off. */
export function renderMarkdown(m: PostmortemModel, template: string): string {
  return Mustache.render(template, buildTemplateView(m), {}, { escape: (s: unknown) => String(s) });
}
