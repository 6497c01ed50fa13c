import { useEffect, useState } from 'react';
import { request } from '../api/client.js';
import { ApiMissing } from './unavailable.js';

export function HealthBoardPage() {
  const [error, setError] = useState<unknown>(null);
  const [data, setData] = useState<unknown>(null);
  useEffect(() => {
    request('GET', '/api/v1/health').then(setData, setError);
  }, []);
  return (
    <>
      <h1>Health board</h1>
      {error ? <ApiMissing error={error} what="The health board" cli="warroom health" /> : data ? <pre>{JSON.stringify(data, null, 2)}</pre> : <p aria-busy="true">Loading…</p>}
    </>
  );
}
