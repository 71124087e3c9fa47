import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorBoundary, lazy, LocationProvider, Route, Router, useLocation } from 'preact-iso';
import { QueryClient, QueryClientProvider } from '@tanstack/preact-query';
import { ApiError, sessionApi, setSessionHandlers, type Session } from './api';
import { ErrorMessage, Field, Loading } from './ui';

const Overview = lazy(() => import('./pages/overview'));
const Usage = lazy(() => import('./pages/usage'));
const Projects = lazy(() => import('./pages/projects'));
const Project = lazy(() => import('./pages/project'));
const People = lazy(() => import('./pages/people'));
const AdminKeys = lazy(() => import('./pages/admin-keys'));
const Certificates = lazy(() => import('./pages/certificates'));
const AuditLog = lazy(() => import('./pages/audit-log'));

const queryClient = new QueryClient({
  defaultOptions: { queries: { staleTime: 15_000, retry: (count, error) => !(error instanceof ApiError && error.status < 500 && error.status > 0) && count < 2, refetchOnWindowFocus: false } },
});

const NAV: Array<[string, string]> = [
  ['/console/', 'Overview'],
  ['/console/usage', 'Usage and costs'],
  ['/console/projects', 'Projects'],
  ['/console/people', 'People'],
  ['/console/admin-keys', 'Admin keys'],
  ['/console/certificates', 'Certificates'],
  ['/console/audit-log', 'Audit log'],
];

function SignIn({ onSignedIn }: { onSignedIn: (s: Session) => void }) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" class="signin">
      <form
        aria-labelledby="signin-title"
        onSubmit={async (e) => {
          e.preventDefault();
          const key = new FormData(e.currentTarget).get('api_key');
          setBusy(true);
          setError(null);
          try {
            onSignedIn(await sessionApi.signIn(String(key ?? '')));
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        <h1 id="signin-title">orgplane</h1>
        <p class="muted">Sign in with an admin API key. The key is exchanged for a session and is not kept by the browser.</p>
        <Field label="Admin API key" name="api_key" error={error} hint="Starts with sk-admin-. A new organization prints one when orgplane first starts.">
          {(p) => <input {...p} type="password" autoComplete="off" spellcheck={false} required autoFocus />}
        </Field>
        <ErrorMessage error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

function Shell({ session, onSignOut }: { session: Session; onSignOut: () => void }) {
  const { path } = useLocation();
  const current = (href: string) => (href === '/console/' ? path === '/console' || path === '/console/' : path.startsWith(href));
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <nav aria-label="Console">
        <div class="sticky">
        <div class="brand">orgplane</div>
        <ul>
          {NAV.map(([href, label]) => (
            <li>
              <a href={href} aria-current={current(href) ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
        <div class="who">
          <span class="muted">{session.user?.email ?? session.api_key_id}</span>
          <button type="button" class="secondary" onClick={onSignOut}>
            Sign out
          </button>
        </div>
        </div>
      </nav>
      <main id="main">
        <ErrorBoundary>
          <Router>
            <Route path="/console" component={Overview} />
            <Route path="/console/usage" component={Usage} />
            <Route path="/console/projects" component={Projects} />
            <Route path="/console/projects/:id" component={Project} />
            <Route path="/console/people" component={People} />
            <Route path="/console/admin-keys" component={AdminKeys} />
            <Route path="/console/certificates" component={Certificates} />
            <Route path="/console/audit-log" component={AuditLog} />
            <Route default component={NotFound} />
          </Router>
        </ErrorBoundary>
      </main>
    </div>
  );
}

function NotFound() {
  return (
    <>
      <h1 tabIndex={-1}>Page not found</h1>
      <p>
        <a href="/console/">Back to the overview</a>
      </p>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState(false);
  const adopt = (s: Session | null) => {
    setSessionHandlers(s?.csrf_token ?? '', () => {
      queryClient.clear();
      setSession(null);
      setEnded(true);
    }, s?.server_time);
    setSession(s);
  };
  useEffect(() => {
    sessionApi.current().then(adopt, () => adopt(null));
  }, []);
  if (session === undefined) return <Loading what="Starting the console" />;
  if (session === null)
    return (
      <>
        {ended ? (
          <p class="banner" role="status">
            Your session has ended. Sign in again.
          </p>
        ) : null}
        <SignIn
          onSignedIn={(s) => {
            setEnded(false);
            adopt(s);
          }}
        />
      </>
    );
  return (
    <Shell
      session={session}
      onSignOut={async () => {
        try {
          await sessionApi.signOut();
        } finally {
          queryClient.clear();
          adopt(null);
        }
      }}
    />
  );
}

render(
  <QueryClientProvider client={queryClient}>
    <LocationProvider>
      <App />
    </LocationProvider>
  </QueryClientProvider>,
  document.getElementById('app')!,
);
