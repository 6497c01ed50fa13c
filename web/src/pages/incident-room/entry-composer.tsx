import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '../../api/client.js';
import type { NoteKind, TimelineEntry } from '../../api/types.js';
import { bannerError, ErrorBanner, Field, fieldError } from '../../components/form.js';
import { useSubmit } from '../../lib/use-submit.js';

/** One line on the timeline: a finding, action, decision or note (Enter posts it). */
export function EntryComposer({ incidentId, onAdded }: { incidentId: string; onAdded: (e: TimelineEntry) => void }) {
  const [kind, setKind] = useState<NoteKind>('finding');
  const [text, setText] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  const a = useSubmit();
  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!text.trim()) {
      setLocalError('Write one line, then press Enter.');
      return;
    }
    setLocalError(null);
    const ok = await a.run(async () => onAdded(await api.addEntry(incidentId, { kind, text: text.trim() })));
    if (ok) setText('');
  }
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      void submit();
    }
  };
  return (
    <form className="entry-composer" onSubmit={submit} noValidate aria-label="Add to the timeline">
      <label className="sr-only" htmlFor="entry-kind">
        Kind
      </label>
      <select id="entry-kind" value={kind} onChange={(e) => setKind(e.target.value as NoteKind)}>
        <option value="finding">Finding</option>
        <option value="action">Action</option>
        <option value="decision">Decision</option>
        <option value="note">Note</option>
      </select>
      <Field label={`Add a ${kind} (Enter to post)`} error={localError ?? fieldError(a.error, 'text')}>
        {(p) => (
          <input
            {...p}
            name="entry-text"
            value={text}
            onChange={(e) => setText(e.target.value)}
            onKeyDown={onKey}
            placeholder="e.g. p99 latency on checkout is 4 s since 14:02"
            autoComplete="off"
          />
        )}
      </Field>
      <button type="submit" disabled={a.busy}>
        Add
      </button>
      <ErrorBanner error={bannerError(a.error, ['text'])} />
    </form>
  );
}
