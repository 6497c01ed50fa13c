import { useCallback, useEffect, useRef, useState } from 'react';
import { api } from '../api/client.js';
import type { Incident, TimelineEntry } from '../api/types.js';

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'gone';

/**
 * Loads an incident and keeps it live: the server pushes new entries and incident changes
 * over Server-Sent Events; EventSource reconnects by itself and resumes after the last entry
 * id (Last-Event-ID), so nothing is lost across a blip.
 */
export function useIncident(id: string) {
  const [incident, setIncident] = useState<Incident | null>(null);
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [live, setLive] = useState<LiveState>('connecting');
  const lastId = useRef(0);

  const merge = useCallback((add: TimelineEntry[]) => {
    const fresh = add.filter((e) => e.id > lastId.current);
    if (!fresh.length) return;
    lastId.current = Math.max(lastId.current, ...fresh.map((e) => e.id));
    setEntries((prev) => [...prev, ...fresh]);
  }, []);

  useEffect(() => {
    let es: EventSource | null = null;
    let cancelled = false;
    lastId.current = 0;
    setEntries([]);
    setIncident(null);
    setError(null);
    setLive('connecting');
    api.incident(id).then(
      (d) => {
        if (cancelled) return;
        const { timeline, ...inc } = d;
        setIncident(inc);
        merge(timeline);
        es = new EventSource(`/api/v1/incidents/${encodeURIComponent(id)}/events?after=${lastId.current}`);
        es.addEventListener('open', () => setLive('live'));
        es.addEventListener('error', () => setLive(es?.readyState === EventSource.CLOSED ? 'gone' : 'reconnecting'));
        es.addEventListener('incident', (m) => setIncident(JSON.parse((m as MessageEvent<string>).data) as Incident));
        es.addEventListener('entry', (m) => merge([JSON.parse((m as MessageEvent<string>).data) as TimelineEntry]));
        es.addEventListener('gone', () => {
          setLive('gone');
          es?.close();
        });
      },
      (e) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
      es?.close();
    };
  }, [id, merge]);

  /** Applies a change result at once (the stream will confirm it; duplicates are dropped by id). */
  const apply = useCallback(
    (r: { incident: Incident; entries: TimelineEntry[] } | TimelineEntry) => {
      if ('incident' in r) {
        setIncident(r.incident);
        merge(r.entries);
      } else merge([r]);
    },
    [merge],
  );

  return { incident, entries, error, live, apply };
}
