import type { TimelineEntry } from '../../api/types.js';
import { evidenceOf } from '../../components/timeline.js';
import { formatTime, formatUtc } from '../../lib/time.js';

/** The latest timeline entries of one kind (findings, actions, decisions). */
export function EntryList({ title, kind, entries, empty }: { title: string; kind: string; entries: TimelineEntry[]; empty: string }) {
  const list = entries
    .filter((e) => e.kind === kind)
    .slice(-20)
    .reverse();
  const hid = `list-${kind}`;
  return (
    <section className="card" aria-labelledby={hid}>
      <h2 id={hid}>
        {title} {list.length > 0 && <span className="count">({entries.filter((e) => e.kind === kind).length})</span>}
      </h2>
      {list.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <ul className="entry-list">
          {list.map((e) => (
            <li key={e.id}>
              <time dateTime={e.at} title={formatUtc(e.at)}>
                {formatTime(e.at)}
              </time>{' '}
              {e.text} <span className="muted">— {e.author}</span>
              {evidenceOf(e) && <pre className="evidence">{evidenceOf(e)}</pre>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
