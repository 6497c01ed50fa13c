import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { api, onUnauthorized, setCsrfToken } from './api/client.js';
import type { Session } from './api/types.js';
import { ErrorBanner } from './components/form.js';
import { Link, matchRoute, navigate, usePath } from './lib/router.js';
import { SessionContext, type SessionState } from './session.js';
import { SignInPage } from './pages/sign-in.js';
import { DashboardPage } from './pages/dashboard.js';

// Pages a responder rarely opens first load on demand, keeping the first page's JS small.
const IncidentRoomPage = lazy(() => import('./pages/incident-room.js').then((m) => ({ default: m.IncidentRoomPage })));
const HealthBoardPage = lazy(() => import('./pages/health-board.js').then((m) => ({ default: m.HealthBoardPage })));
const PostmortemPage = lazy(() => import('./pages/postmortem.js').then((m) => ({ default: m.PostmortemPage })));
const InsightsPage = lazy(() => import('./pages/insights.js').then((m) => ({ default: m.InsightsPage })));

export function App() {
  const path = usePath();
  const route = matchRoute(path);
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [loadError, setLoadError] = useState<unknown>(null);

  const adopt = useCallback((s: Session | null) => {
    setCsrfToken(s?.csrfToken ?? null);
    setSession(s);
  }, []);

  useEffect(() => {
    api.session().then((r) => adopt(r.session), setLoadError);
    return onUnauthorized(() => adopt(null));
  }, [adopt]);

  const state = useMemo<SessionState | null>(
    () =>
      session
        ? {
            session,
            canWrite: session.role !== 'viewer',
            async signOut() {
              await api.signOut();
              adopt(null);
              navigate('/signin');
            },
          }
        : null,
    [session, adopt],
  );

  useEffect(() => {
    const titles: Record<string, string> = {
      dashboard: 'Dashboard',
      signin: 'Sign in',
      health: 'Health board',
      insights: 'Insights',
      notfound: 'Not found',
    };
    const t =
      route.page === 'incident' || route.page === 'postmortem'
        ? `${route.id}${route.page === 'postmortem' ? ' post-mortem' : ''}`
        : titles[route.page];
    document.title = `${t} · warroom`;
  }, [route]);

  if (loadError)
    return (
      <main className="page">
        <h1>warroom</h1>
        <ErrorBanner error={loadError} />
      </main>
    );
  if (session === undefined)
    return (
      <main className="page" aria-busy="true">
        <p>Loading…</p>
      </main>
    );
  if (!state) {
    return (
      <SignInPage
        onSignedIn={(s) => {
          adopt(s);
          if (route.page === 'signin') navigate('/', { replace: true });
        }}
      />
    );
  }
  if (route.page === 'signin') return <RedirectHome />;
  return (
    <SessionContext.Provider value={state}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/" className="brand">
          warroom
        </Link>
        <nav aria-label="Main">
          <ul>
            <li>
              <Link href="/" aria-current={route.page === 'dashboard' ? 'page' : undefined}>
                Dashboard
              </Link>
            </li>
            <li>
              <Link href="/health-board" aria-current={route.page === 'health' ? 'page' : undefined}>
                Health board
              </Link>
            </li>
            <li>
              <Link href="/insights" aria-current={route.page === 'insights' ? 'page' : undefined}>
                Insights
              </Link>
            </li>
            <li>
              <a href="/status">Status page</a>
            </li>
          </ul>
        </nav>
        <div className="who">
          <span>
            {state.session.name} <span className="role">({state.session.role})</span>
          </span>
          {state.session.via === 'web' && (
            <button type="button" className="link-button" onClick={() => void state.signOut()}>
              Sign out
            </button>
          )}
        </div>
      </header>
      <main id="main" className="page" tabIndex={-1}>
        <Suspense fallback={<p aria-busy="true">Loading…</p>}>
          {route.page === 'dashboard' && <DashboardPage />}
          {route.page === 'incident' && <IncidentRoomPage id={route.id} />}
          {route.page === 'postmortem' && <PostmortemPage id={route.id} />}
          {route.page === 'health' && <HealthBoardPage />}
          {route.page === 'insights' && <InsightsPage />}
          {route.page === 'notfound' && (
            <>
              <h1>Page not found</h1>
              <p>
                <Link href="/">Back to the dashboard</Link>
              </p>
            </>
          )}
        </Suspense>
      </main>
    </SessionContext.Provider>
  );
}

/** Signed in but on /signin: go to the dashboard (after render, not during it). */
function RedirectHome() {
  useEffect(() => navigate('/', { replace: true }), []);
  return null;
}
