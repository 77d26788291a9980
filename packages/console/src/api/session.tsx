// The signed-in session: the token lives in this tab's sessionStorage (never in a URL), and every query goes
// through one typed client built from it.
import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { createApiClient, type ApiClient } from '@genops/processor/api';

const TOKEN_KEY = 'genops.token';

interface SessionValue {
  client: ApiClient;
  token: string | undefined;
  signIn(token: string): void;
  signOut(): void;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

function storedToken(): string | undefined {
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState(storedToken);
  const value = useMemo<SessionValue>(
    () => ({
      client: createApiClient({ baseUrl: '', ...(token ? { token } : {}) }),
      token,
      signIn(next) {
        sessionStorage.setItem(TOKEN_KEY, next);
        setToken(next);
      },
      signOut() {
        sessionStorage.removeItem(TOKEN_KEY);
        setToken(undefined);
      },
    }),
    [token],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
