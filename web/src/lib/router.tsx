import { useEffect, useState, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/** A tiny history router: the server serves index.html for each page path (src/server/web/static.ts). */
const listeners = new Set<() => void>();

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const fn of listeners) fn();
  window.scrollTo(0, 0);
}

export function usePath(): string {
  const [path, setPath] = useState(() => location.pathname);
  useEffect(() => {
    const update = () => setPath(location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export type Route =
  | { page: 'dashboard' }
  | { page: 'incident'; id: string }
  | { page: 'postmortem'; id: string }
  | { page: 'health' }
  | { page: 'insights' }
  | { page: 'signin' }
  | { page: 'notfound' };

export function matchRoute(path: string): Route {
  if (path === '/' || path === '') return { page: 'dashboard' };
  if (path === '/signin') return { page: 'signin' };
  if (path === '/health-board') return { page: 'health' };
  if (path === '/insights') return { page: 'insights' };
  let m = /^\/incidents\/(INC-\d+)\/?$/i.exec(path);
  if (m) return { page: 'incident', id: m[1].toUpperCase() };
  m = /^\/incidents\/(INC-\d+)\/postmortem\/?$/i.exec(path);
  if (m) return { page: 'postmortem', id: m[1].toUpperCase() };
  return { page: 'notfound' };
}

/** An anchor that navigates without a reload (and still works with middle-click / new tab). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string }) {
  const { onClick, ...rest } = props;
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return <a {...rest} onClick={handle} />;
}
