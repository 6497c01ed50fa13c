import { useEffect, useState } from 'react';
import { request } from '../api/client.js';
import { ApiMissing } from './unavailable.js';

export function PostmortemPage({ id }: { id: string }) {
  const [error, setError] = useState<unknown>(null);
  const [data, setData] = useState<unknown>(null);
  useEffect(() => {
    request('GET', `/api/v1/incidents/${encodeURIComponent(id)}/postmortem`).then(setData, setError);
  }, [id]);
  return (
    <>
      <h1>{id} post-mortem</h1>
      {error ? <ApiMissing error={error} what="The post-mortem" cli={`warroom postmortem ${id}`} /> : data ? <pre>{JSON.stringify(data, null, 2)}</pre> : <p aria-busy="true">Loading…</p>}
    </>
  );
}
