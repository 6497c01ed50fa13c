import { createContext, useContext } from 'react';
import type { Session } from './api/types.js';

export interface SessionState {
  session: Session;
  /** Viewers see no write controls (and the API refuses them anyway). */
  canWrite: boolean;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
