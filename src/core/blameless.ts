/**
 * A gentle blameless-language check for post-mortem text. The seed's first principle is
 * "focus on systems and processes, not individuals"; this flags sentences that make a person
 * the cause and suggests a systems framing. It only ever warns: the review decides.
 */

export interface BlamelessWarning {
  /** The section or field the sentence came from (root_cause, contributing_factors, whys[2].because). */
  field: string;
  /** The sentence as written. */
  sentence: string;
  /** The words that triggered the warning. */
  match: string;
  /** Why it reads as blame. */
  reason: string;
  /** A systems framing to consider instead. */
  suggestion: string;
}

export interface BlamelessOptions {
  /** Names of people involved (commander, responders, authors, owners): as the subject they are flagged. */
  people?: string[];
}

// Verbs that, with a person as subject, assign fault rather than describe the system.
const FAULT_VERBS = [
  'forgot',
  'forgets',
  'forgot to',
  'failed to',
  'fails to',
  'neglected',
  'neglected to',
  'ignored',
  'overlooked',
  'missed',
  'broke',
  'caused',
  'messed up',
  'screwed up',
  'should have',
  "should've",
  'did not',
  "didn't",
  'was careless',
  'was sloppy',
  'made a mistake',
  'made an error',
  'mistakenly',
  'accidentally',
  'carelessly',
  'pushed a bad',
  'deployed a bad',
  'did not bother',
  'never checked',
  'never tested',
];

// With an unknown capitalised subject ("Kafka did not…" is a system, "Bob forgot…" is a person)
// only verbs a system cannot do count, to keep false alarms rare.
const HUMAN_VERBS = [
  'forgot',
  'forgets',
  'forgot to',
  'neglected',
  'neglected to',
  'ignored',
  'overlooked',
  'should have',
  "should've",
  'messed up',
  'screwed up',
  'was careless',
  'was sloppy',
  'made a mistake',
  'made an error',
  'mistakenly',
  'carelessly',
  'did not bother',
  'never checked',
  'never tested',
  'pushed a bad',
  'deployed a bad',
];

// Phrases that blame regardless of subject.
const BLAME_PHRASES: [RegExp, string][] = [
  [/\bhuman error\b/i, '"human error" ends the inquiry where it should start'],
  [/\b(?:his|her|their)\s+(?:fault|mistake|error|negligence)\b/i, 'assigns the fault to a person'],
  [/\b(?:fault|mistake|error|negligence)\s+of\s+[A-Z][a-z]+/, 'assigns the fault to a person'],
  [/\b[A-Z][a-z]+'s\s+(?:fault|mistake|error|negligence|carelessness|oversight)\b/, 'assigns the fault to a person'],
  [
    /\b(?:careless|carelessness|sloppy|lazy|incompetent|negligent|negligence|stupid)\b/i,
    'judges a person rather than describing a condition',
  ],
  [/\b(?:blame|blamed|to blame)\b/i, 'names blame'],
];

const PRONOUNS = [
  'he',
  'she',
  'they',
  'someone',
  'somebody',
  'the engineer',
  'the developer',
  'the operator',
  'the on-call',
  'the oncall',
  'an engineer',
  'a developer',
  'the intern',
];

// Capitalised words that start sentences without being people.
const NOT_PEOPLE = new Set([
  'The',
  'A',
  'An',
  'This',
  'That',
  'These',
  'Those',
  'It',
  'We',
  'Our',
  'Nobody',
  'No',
  'Nothing',
  'When',
  'After',
  'Before',
  'Because',
  'During',
  'Since',
  'While',
  'If',
  'Then',
  'Monitoring',
  'Alerting',
  'Deploy',
  'Deploys',
  'Deployment',
  'Config',
  'Configuration',
  'System',
  'Service',
  'Database',
  'Redis',
  'PostgreSQL',
  'Postgres',
  'Backend',
  'Frontend',
  'CI',
  'Tests',
  'Testing',
  'Pipeline',
  'Runbook',
  'Alert',
  'Alerts',
  'Load',
  'Traffic',
  'Kubernetes',
  'Docker',
  'Nginx',
  'Terraform',
  'And',
  'But',
]);

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const SUGGESTION =
  'Describe the condition that allowed it instead of the person: e.g. "the deploy checklist had no step for X" or "nothing alerted when Y", then ask what would have made the safe path the easy one.';

/** Splits prose into sentences (good enough for review text: ., ! and ? followed by space, and line breaks). */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.replace(/^[\s>*\-•\d.)]+/, '').trim())
    .filter((s) => s.length > 0);
}

/** Flags blaming sentences in one piece of text. */
export function checkBlameless(text: string, field: string, opts: BlamelessOptions = {}): BlamelessWarning[] {
  const out: BlamelessWarning[] = [];
  const people = [...new Set((opts.people ?? []).map((p) => p.trim()).filter((p) => p.length >= 2))];
  const verbs = FAULT_VERBS.map(escapeRe).join('|');
  const peopleRe = people.length
    ? new RegExp(`\\b(${people.map(escapeRe).join('|')})\\b\\s+(?:(?:just|then|also|simply|had|has)\\s+)?(${verbs})\\b`, 'i')
    : null;
  const pronounRe = new RegExp(`^(?:${PRONOUNS.map(escapeRe).join('|')})\\s+(?:(?:just|then|also|simply|had|has)\\s+)?(${verbs})\\b`, 'i');
  // A capitalised first word followed by a fault verb: "Bob forgot to…" even when Bob is not on record.
  const subjectRe = new RegExp(`^([A-Z][a-z]+)\\s+(?:(?:just|then|also|simply|had|has)\\s+)?(${HUMAN_VERBS.map(escapeRe).join('|')})\\b`);
  for (const sentence of splitSentences(text)) {
    let m: RegExpExecArray | null;
    if (peopleRe && (m = peopleRe.exec(sentence))) {
      out.push({ field, sentence, match: m[0], reason: `names ${m[1]} as the cause`, suggestion: SUGGESTION });
      continue;
    }
    if ((m = pronounRe.exec(sentence))) {
      out.push({ field, sentence, match: m[0], reason: 'makes a person the cause', suggestion: SUGGESTION });
      continue;
    }
    if ((m = subjectRe.exec(sentence)) && !NOT_PEOPLE.has(m[1])) {
      out.push({ field, sentence, match: m[0], reason: `names ${m[1]} as the cause`, suggestion: SUGGESTION });
      continue;
    }
    for (const [re, reason] of BLAME_PHRASES) {
      const p = re.exec(sentence);
      if (p) {
        out.push({ field, sentence, match: p[0], reason, suggestion: SUGGESTION });
        break;
      }
    }
  }
  return out;
}
