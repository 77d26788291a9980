// The console's frame: sign-in when a token is needed, navigation, theme, and the pages by path.
import { useEffect, useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { ApiError } from '@genops/processor/api';
import { useSessionInfo } from './api/queries.js';
import { useSession } from './api/session.js';
import { errorText } from './components/data-state.js';
import { BudgetsPage } from './features/budgets/budgets-page.js';
import { EnforcementPage } from './features/enforcement/enforcement-page.js';
import { ExplorePage } from './features/explore/explore-page.js';
import { OverviewPage } from './features/overview/overview-page.js';
import { PricesPage } from './features/prices/prices-page.js';
import { ProvidersPage } from './features/providers/providers-page.js';
import { ReconciliationPage } from './features/reconciliation/reconciliation-page.js';
import { SignIn } from './features/session/sign-in.js';

const PAGES = [
  ['/', 'Overview'],
  ['/explore', 'Explore'],
  ['/budgets', 'Budgets'],
  ['/enforcement', 'Enforcement'],
  ['/providers', 'Providers'],
  ['/reconciliation', 'Reconciliation'],
  ['/prices', 'Prices'],
] as const;

function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(
    () =>
      localStorage.getItem('genops.theme') ??
      (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'),
  );
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    localStorage.setItem('genops.theme', theme);
  }, [theme]);
  return [theme, () => setTheme((t) => (t === 'dark' ? 'light' : 'dark'))];
}

export function App() {
  const session = useSessionInfo();
  const { token, signOut } = useSession();
  const [theme, toggleTheme] = useTheme();
  const [location] = useLocation();
  const title = PAGES.find(([path]) => path === location)?.[1];
  useEffect(() => {
    document.title = `${title ?? 'GenOps'} — GenOps`;
  }, [title]);
  if (session.isPending)
    return (
      <p className="state" role="status">
        Connecting to the processor…
      </p>
    );
  if (session.error instanceof ApiError && session.error.status === 401)
    return <SignIn rejected={token !== undefined} />;
  if (session.error)
    return (
      <p className="state error" role="alert">
        The processor did not answer: {errorText(session.error)}
      </p>
    );
  const who = session.data!;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top-bar">
        <span className="brand">GenOps</span>
        <nav aria-label="Pages">
          <ul>
            {PAGES.map(([path, name]) => (
              <li key={path}>
                <Link href={path} aria-current={location === path ? 'page' : undefined}>
                  {name}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">
          {who.authRequired
            ? `${who.name}${who.teams ? ` · ${who.teams.join(', ')}` : ''}${who.roles.includes('manage') ? '' : ' · read-only'}`
            : 'open (loopback, no tokens)'}
        </span>
        <button
          type="button"
          onClick={toggleTheme}
          aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
        >
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        {who.authRequired && (
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        )}
      </header>
      <main id="main">
        <Switch>
          <Route path="/" component={OverviewPage} />
          <Route path="/explore" component={ExplorePage} />
          <Route path="/budgets" component={BudgetsPage} />
          <Route path="/enforcement" component={EnforcementPage} />
          <Route path="/providers" component={ProvidersPage} />
          <Route path="/reconciliation" component={ReconciliationPage} />
          <Route path="/prices" component={PricesPage} />
          <Route>
            <h1>Not found</h1>
            <p>
              No page here. <Link href="/">Go to the overview</Link>.
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
