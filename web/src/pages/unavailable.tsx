import { ApiError } from '../api/client.js';
import { ErrorBanner } from '../components/form.js';

/** A page whose API is not on this server (yet) says so plainly instead of failing silently. */
export function ApiMissing({ error, what, cli }: { error: unknown; what: string; cli: string }) {
  if (error instanceof ApiError && error.status === 404 && /no route/.test(error.message)) {
    return (
      <div className="card" role="status">
        <p>{what} is not available on this server: its API is not installed in this version of warroom.</p>
        <p>
          From a terminal: <code>{cli}</code>
        </p>
      </div>
    );
  }
  return <ErrorBanner error={error} />;
}
