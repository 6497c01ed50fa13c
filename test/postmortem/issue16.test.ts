import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSeverityPolicy } from '../../src/core/severity.js';
import {
  buildPostmortemModel,
  publishPostmortem,
  startPostmortem,
  submitForReview,
  unwrittenSections,
  type PostmortemRecord,
} from '../../src/core/postmortem.js';
import { WarroomError } from '../../src/core/errors.js';
import { renderMarkdown } from '../../src/postmortem/render-markdown.js';
import { renderHtml } from '../../src/postmortem/render-html.js';
import { shippedTemplatePath } from '../../src/postmortem/template.js';
import { buildIncident } from '../helpers/factories.js';

/** Issue 16: doubled Five Whys, publishing unwritten reviews, and the duration of a resolved incident. */
const policy = buildSeverityPolicy();
const RESOLVED = '2026-01-10T15:17:00.000Z'; // 47 minutes after DECLARED_AT
const THREE_DAYS_LATER = '2026-01-13T15:17:00.000Z';
const incident = buildIncident({ status: 'resolved', mitigatedAt: RESOLVED, resolvedAt: RESOLVED, updatedAt: RESOLVED });
const template = readFileSync(shippedTemplatePath('full'), 'utf8');

const record = (over: Partial<PostmortemRecord> = {}): PostmortemRecord => ({
  ...startPostmortem(incident, [], policy, {}, 'alice', RESOLVED),
  ...over,
});
const model = (r: PostmortemRecord | null) =>
  buildPostmortemModel({ incident, timeline: [], record: r, actionItems: [], policy, now: THREE_DAYS_LATER });

describe('Five Whys render each prefix once', () => {
  const whys = [
    { why: 'Why did checkout return 500?', because: 'Because the payment pool was exhausted' },
    { why: 'was the pool exhausted', because: 'a retry loop held connections' },
    { why: 'why?? did retries hold connections??', because: 'because: no timeout was set' },
  ];
  const m = model(record({ whys }));

  it('in the Markdown', () => {
    const md = renderMarkdown(m, template);
    expect(md).not.toMatch(/Why\?\*\* why/i);
    expect(md).not.toMatch(/Because because/i);
    expect(md).not.toContain('??');
    expect(md).toContain('1. **Why?** did checkout return 500\n   → Because the payment pool was exhausted');
    expect(md).toContain('2. **Why?** was the pool exhausted\n   → Because a retry loop held connections');
    expect(md).toContain('3. **Why?** did retries hold connections\n   → Because no timeout was set');
    expect(md).toContain('**Root cause (last answer):** no timeout was set');
  });

  it('in the HTML (what the PDF prints)', () => {
    const html = renderHtml(m);
    expect(html).not.toMatch(/Why\?<\/strong> why/i);
    expect(html).not.toMatch(/Because because/i);
    expect(html).not.toContain('??');
    expect(html).toContain('<li><strong>Why?</strong> did checkout return 500<br>→ Because the payment pool was exhausted</li>');
    expect(html).toContain('<li><strong>Why?</strong> was the pool exhausted<br>→ Because a retry loop held connections</li>');
    expect(html).toContain('<strong>Root cause (last answer):</strong> no timeout was set');
  });

  it('keeps what people typed in the model', () => {
    expect(m.whys).toEqual(whys);
  });
});

describe('publish refuses unwritten sections and speaks the words users see', () => {
  const written = {
    impact: 'Checkout failed for 12% of users',
    root_cause: 'The pool had no timeout',
    contributing_factors: 'No alert on pool saturation',
    what_went_well: 'Fast rollback',
  };
  const whys = [{ why: 'Why?', because: 'Because' }];

  it('names the unwritten sections', () => {
    const pm = submitForReview(record({ sections: written, whys }), 1, RESOLVED);
    const unwritten = unwrittenSections(pm, incident);
    expect(unwritten).toEqual(['what-could-be-improved']);
    let err: unknown;
    try {
      publishPostmortem(pm, 'carol', THREE_DAYS_LATER, { unwritten });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(WarroomError);
    expect((err as Error).message).toContain('what-could-be-improved is still unwritten');
    expect(unwrittenSections(record({ sections: { root_cause: 'x' } }), incident)).toEqual([
      'impact',
      'contributing-factors',
      'what-went-well',
      'what-could-be-improved',
      'five whys',
    ]);
  });

  it('publishes when everything is written, or when forced', () => {
    const all = submitForReview(record({ sections: { ...written, what_could_be_improved: 'Alerts' }, whys }), 1, RESOLVED);
    expect(unwrittenSections(all, incident)).toEqual([]);
    expect(publishPostmortem(all, 'carol', THREE_DAYS_LATER, { unwritten: [] }).state).toBe('published');
    const some = submitForReview(record({ sections: written, whys }), 1, RESOLVED);
    expect(publishPostmortem(some, 'carol', THREE_DAYS_LATER, { unwritten: ['what-could-be-improved'], force: true }).state).toBe(
      'published',
    );
  });

  it('never prints a state id', () => {
    const draft = record({ sections: written });
    expect(() => publishPostmortem(draft, 'carol', THREE_DAYS_LATER)).toThrow(/is a draft; only a review in review can be published/);
    const inReview = submitForReview(record({ sections: { root_cause: 'x' } }), 1, RESOLVED);
    for (const f of [() => submitForReview(inReview, 1, RESOLVED), () => publishPostmortem(draft, 'carol', THREE_DAYS_LATER)]) {
      try {
        f();
      } catch (e) {
        expect((e as Error).message).not.toMatch(/in_review|_/);
      }
    }
    expect(() => submitForReview(inReview, 1, RESOLVED)).toThrow(/is in review, not a draft/);
  });
});

describe('the duration of a resolved incident', () => {
  it('reads "47 minutes" three days later, in the model, Markdown view and HTML', () => {
    const m = model(record());
    expect(m.durations.ttr.ms).toBe(47 * 60_000);
    const html = renderHtml(m);
    expect(html).toContain('<td data-fact="Duration">47 minutes</td>');
    expect(html).not.toMatch(/3d/);
    expect(renderMarkdown(m, '{{duration}}')).toBe('47 minutes');
  });
});
