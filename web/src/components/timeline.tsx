import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { TIMELINE_KINDS, type TimelineEntry, type TimelineKind } from '../api/types.js';
import { formatTime, formatUtc } from '../lib/time.js';

const KIND_LABEL: Record<TimelineKind, string> = {
  detection: 'detection',
  finding: 'finding',
  action: 'action',
  decision: 'decision',
  status_change: 'status',
  severity_change: 'severity',
  role_change: 'role',
  update: 'update',
  note: 'note',
};

/**
 * The incident timeline, newest first. Virtualised: only the rows on screen are in the DOM,
 * so an incident with thousands of entries scrolls smoothly. Entries are plain text (React
 * escapes them); nothing a user wrote is ever parsed as HTML.
 */
export function Timeline({ entries }: { entries: TimelineEntry[] }) {
  const [hidden, setHidden] = useState<Set<TimelineKind>>(new Set());
  const shown = useMemo(() => {
    const list = hidden.size ? entries.filter((e) => !hidden.has(e.kind)) : entries.slice();
    return list.reverse();
  }, [entries, hidden]);
  const counts = useMemo(() => {
    const c = new Map<TimelineKind, number>();
    for (const e of entries) c.set(e.kind, (c.get(e.kind) ?? 0) + 1);
    return c;
  }, [entries]);
  const parentRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({
    count: shown.length,
    getScrollElement: () => parentRef.current,
    estimateSize: () => 52,
    overscan: 8,
    getItemKey: (i) => shown[i].id,
  });
  const toggle = (k: TimelineKind) =>
    setHidden((h) => {
      const n = new Set(h);
      if (n.has(k)) n.delete(k);
      else n.add(k);
      return n;
    });

  return (
    <div className="timeline">
      <fieldset className="kind-filter">
        <legend>Show kinds</legend>
        {TIMELINE_KINDS.filter((k) => counts.has(k)).map((k) => (
          <label key={k} className={`chip kind-${k}`}>
            <input type="checkbox" checked={!hidden.has(k)} onChange={() => toggle(k)} /> {KIND_LABEL[k]}{' '}
            <span className="muted">({counts.get(k)})</span>
          </label>
        ))}
        {hidden.size > 0 && (
          <button type="button" className="link-button" onClick={() => setHidden(new Set())}>
            Show all
          </button>
        )}
      </fieldset>
      <p className="sr-only" aria-live="polite">
        {entries.length} timeline entries
      </p>
      <div
        ref={parentRef}
        className="timeline-scroll"
        tabIndex={0}
        role="region"
        aria-label={`Timeline, ${shown.length} entries shown, newest first`}
        data-testid="timeline"
      >
        <div role="list" style={{ height: v.getTotalSize(), position: 'relative' }}>
          {v.getVirtualItems().map((row) => {
            const e = shown[row.index];
            return (
              <div
                key={row.key}
                role="listitem"
                aria-setsize={shown.length}
                aria-posinset={row.index + 1}
                data-index={row.index}
                ref={v.measureElement}
                className={`entry kind-${e.kind}`}
                data-entry-id={e.id}
                style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${row.start}px)` }}
              >
                <div className="entry-meta">
                  <time dateTime={e.at} title={formatUtc(e.at)}>
                    {formatTime(e.at)}
                  </time>
                  <span className={`kind-tag kind-${e.kind}`}>{KIND_LABEL[e.kind]}</span>
                  <span className="author">{e.author}</span>
                  {e.corrects !== null && <span className="muted">corrects #{e.corrects}</span>}
                </div>
                <div className="entry-text">{e.text}</div>
                {evidenceOf(e) && <pre className="evidence">{evidenceOf(e)}</pre>}
              </div>
            );
          })}
        </div>
        {shown.length === 0 && <p className="empty">No entries{hidden.size ? ' of the selected kinds' : ''}.</p>}
      </div>
    </div>
  );
}

/** Triage findings carry their evidence in data.evidence (text or a record of numbers). */
export function evidenceOf(e: TimelineEntry): string | null {
  const ev = e.data?.evidence;
  if (ev === undefined || ev === null) return null;
  if (typeof ev === 'string') return ev;
  try {
    return JSON.stringify(ev, null, 2);
  } catch {
    return null;
  }
}
