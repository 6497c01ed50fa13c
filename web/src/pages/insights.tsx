import { useEffect, useState } from 'react';
import { request } from '../api/client.js';
import { ApiMissing } from './unavailable.js';

export function InsightsPage() {
  const [error, setError] = useState<unknown>(null);
  const [data, setData] = useState<unknown>(null);
  useEffect(() => {
    request('GET', '/api/v1/stats').then(setData, setError);
  }, []);
  return (
    <>
      <h1>Insights</h1>
      {error ? <ApiMissing error={error} what="Insights" cli="warroom stats" /> : data ? <pre>{JSON.stringify(data, null, 2)}</pre> : <p aria-busy="true">Loading…</p>}
    </>
  );
}
