import { useEffect, useState } from 'preact/hooks';
import { api, closeSocket } from './api.ts';
import { graphql, type ResultOf } from './graphql.ts';
import { LANGS, lang, setLang, t } from './i18n.ts';
import { AccountPage } from './pages/account.tsx';
import { AlertsPage } from './pages/alerts.tsx';
import { DeskPage } from './pages/desk.tsx';
import { IntelligencePage } from './pages/intelligence.tsx';
import { LinkAccountPage } from './pages/link-account.tsx';
import { OperationsPage } from './pages/operations.tsx';
import { ReportPage } from './pages/report.tsx';
import { type Challenge, ResetPasswordPage, SignInPage } from './pages/sign-in.tsx';

// The console's shell: who is signed in, the language, and the page. It uses only the public
// GraphQL API, signed in with the session cookie.

const ME = graphql(`query Me { me { id displayName email agency { name } } }`);
const SIGN_OUT = graphql(`mutation SignOut { signOut }`);
export type Me = NonNullable<ResultOf<typeof ME>['me']>;

type Page =
  | { name: 'alerts' }
  | { name: 'indicators' }
  | { name: 'intelligence' }
  | { name: 'desk' }
  | { name: 'operations' }
  | { name: 'report'; id: string; askPurpose: boolean }
  | { name: 'reset-password'; token: string }
  | { name: 'second-factor'; challenge: Challenge }
  | { name: 'link-account'; challenge: string }
  | { name: 'sso-refused' }
  | { name: 'account' };

/** The indicators page carries the charting library: it loads when first opened. */
function Indicators() {
  const [page, setPage] = useState<null | (() => preact.JSX.Element)>(null);
  useEffect(() => {
    void import('./pages/indicators.tsx').then((m) => setPage(() => m.IndicatorsPage));
  }, []);
  const Loaded = page;
  return Loaded ? <Loaded /> : null;
}
function pageOf(hash: string): Page {
  // Links from e-mails and from single sign-on; what they carry stays in the fragment, which
  // the browser never sends to a server.
  const reset = /^#reset-password\/(.+)$/.exec(hash);
  if (reset?.[1]) return { name: 'reset-password', token: decodeURIComponent(reset[1]) };
  const step = /^#second-factor\/(code|enrol)\/(.+)$/.exec(hash);
  const link = /^#link-account\/(.+)$/.exec(hash);
  if (link?.[1]) return { name: 'link-account', challenge: decodeURIComponent(link[1]) };
  if (step?.[2]) {
    return {
      name: 'second-factor',
      challenge: { challenge: decodeURIComponent(step[2]), enrolled: step[1] === 'code' },
    };
  }
  if (hash.startsWith('#sign-in/sso-')) return { name: 'sso-refused' };
  const report = /^#report\/([^/]+)(\/purpose)?$/.exec(hash);
  if (report?.[1])
    return { name: 'report', id: decodeURIComponent(report[1]), askPurpose: Boolean(report[2]) };
  if (hash === '#indicators') return { name: 'indicators' };
  if (hash === '#account') return { name: 'account' };
  if (hash === '#intelligence') return { name: 'intelligence' };
  if (hash === '#desk') return { name: 'desk' };
  if (hash === '#operations') return { name: 'operations' };
  return { name: 'alerts' };
}

export function App() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [page, setPage] = useState<Page>(pageOf(window.location.hash));
  useEffect(() => {
    const follow = () => setPage(pageOf(window.location.hash));
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  const load = async () => {
    const result = await api.query(ME, {}).toPromise();
    setMe(result.data?.me ?? null);
  };
  useEffect(() => {
    void load();
  }, []);
  const words = t();
  const signOut = async () => {
    await api.mutation(SIGN_OUT, {}).toPromise();
    closeSocket();
    setMe(null);
  };
  return (
    <div class="shell">
      <header class="top">
        <span class="brand">{words.appName}</span>
        {me ? (
          <nav aria-label="Console">
            <a href="#alerts" aria-current={page.name === 'alerts' ? 'page' : undefined}>
              {words.alerts}
            </a>
            <a
              href="#intelligence"
              aria-current={
                page.name === 'intelligence' || page.name === 'report' ? 'page' : undefined
              }
            >
              {words.intelligence}
            </a>
            <a href="#operations" aria-current={page.name === 'operations' ? 'page' : undefined}>
              {words.operations}
            </a>
            <a href="#desk" aria-current={page.name === 'desk' ? 'page' : undefined}>
              {words.desk}
            </a>
            <a href="#indicators" aria-current={page.name === 'indicators' ? 'page' : undefined}>
              {words.indicators}
            </a>
            <a href="#account" aria-current={page.name === 'account' ? 'page' : undefined}>
              {words.account}
            </a>
          </nav>
        ) : null}
        <span class="spacer" />
        <label class="lang">
          <span class="visually-hidden">{words.language}</span>
          <select
            value={lang.value}
            onChange={(event) =>
              setLang((event.target as HTMLSelectElement).value as typeof lang.value)
            }
          >
            {LANGS.map((l) => (
              <option key={l.code} value={l.code}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        {me ? (
          <>
            <span class="who">
              {me.displayName} · {me.agency.name}
            </span>
            <button type="button" onClick={signOut}>
              {words.signOut}
            </button>
          </>
        ) : null}
      </header>
      <main class={page.name === 'indicators' ? 'wide' : undefined}>
        {page.name === 'reset-password' ? (
          <ResetPasswordPage token={page.token} />
        ) : page.name === 'link-account' ? (
          <LinkAccountPage
            key={page.challenge}
            challenge={page.challenge}
            onSignedIn={() => {
              window.location.hash = '#alerts';
              void load();
            }}
          />
        ) : me === undefined ? null : !me ? (
          <SignInPage
            key={page.name}
            onSignedIn={() => {
              if (page.name === 'second-factor' || page.name === 'sso-refused') {
                window.location.hash = '#alerts';
              }
              void load();
            }}
            challenge={page.name === 'second-factor' ? page.challenge : null}
            ssoRefused={page.name === 'sso-refused'}
          />
        ) : page.name === 'indicators' ? (
          <Indicators />
        ) : page.name === 'account' ? (
          <AccountPage />
        ) : page.name === 'operations' ? (
          <OperationsPage meId={me.id} />
        ) : page.name === 'desk' ? (
          <DeskPage />
        ) : page.name === 'intelligence' ? (
          <IntelligencePage />
        ) : page.name === 'report' ? (
          <ReportPage
            key={`${page.id}:${page.askPurpose}`}
            id={page.id}
            askPurpose={page.askPurpose}
          />
        ) : (
          <AlertsPage />
        )}
      </main>
    </div>
  );
}
