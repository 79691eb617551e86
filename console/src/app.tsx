import { Provider, useMutation, useQuery } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { client, resetClient, sessionEnded } from './client.ts';
import { graphql, type ResultOf } from './graphql.ts';
import { LANGS, lang, setLang, t } from './i18n.ts';
import type { EnumOf } from './labels.ts';
import { AccountPage } from './pages/account.tsx';
import { AlertsPage } from './pages/alerts.tsx';
import { DeskPage } from './pages/desk.tsx';
import { IntelligencePage } from './pages/intelligence.tsx';
import { LinkAccountPage } from './pages/link-account.tsx';
import { OperationPage } from './pages/operation.tsx';
import { OperationsPage } from './pages/operations.tsx';
import { ReportPage } from './pages/report.tsx';
import { ReportEditorPage } from './pages/report-editor.tsx';
import { type Challenge, ResetPasswordPage, SignInPage } from './pages/sign-in.tsx';
import { LoadFailed } from './read.tsx';

// The console's shell: who is signed in, the language, the pages their roles may use, and the
// page. It uses only the public GraphQL API, signed in with the session cookie.

const ME = graphql(`query Me { me { id displayName email roles agency { name } } }`);
const SIGN_OUT = graphql(`mutation SignOut { signOut }`);
export type Me = NonNullable<ResultOf<typeof ME>['me']>;
type Role = EnumOf<'Role'>;

type Page =
  | { name: 'alerts' }
  | { name: 'indicators' }
  | { name: 'intelligence' }
  | { name: 'desk' }
  | { name: 'operations' }
  | { name: 'operation'; id: string }
  | { name: 'report'; id: string; askPurpose: boolean }
  | { name: 'report-edit'; id: string | null }
  | { name: 'reset-password'; token: string }
  | { name: 'second-factor'; challenge: Challenge }
  | { name: 'link-account'; challenge: string }
  | { name: 'sso-refused' }
  | { name: 'account' };

/** The pages in the menu, and the roles that may use each (none listed: every role). */
const MENU = [
  { name: 'alerts', roles: [] },
  { name: 'intelligence', roles: [] },
  { name: 'operations', roles: [] },
  // Check-in and the approval queue are for organizers; agency admins decide first.
  { name: 'desk', roles: ['ORGANIZER', 'AGENCY_ADMIN', 'NETWORK_ADMIN'] },
  { name: 'indicators', roles: [] },
  { name: 'account', roles: [] },
] as const satisfies readonly { name: Page['name']; roles: readonly Role[] }[];

const mayUse = (me: Me, name: Page['name']) => {
  const entry = MENU.find((m) => m.name === name);
  const roles: readonly Role[] = entry?.roles ?? [];
  return roles.length === 0 || me.roles.some((role) => roles.includes(role));
};

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
  if (hash === '#report/new') return { name: 'report-edit', id: null };
  const edit = /^#report\/([^/]+)\/edit$/.exec(hash);
  if (edit?.[1]) return { name: 'report-edit', id: decodeURIComponent(edit[1]) };
  const report = /^#report\/([^/]+)(\/purpose)?$/.exec(hash);
  if (report?.[1])
    return { name: 'report', id: decodeURIComponent(report[1]), askPurpose: Boolean(report[2]) };
  const operation = /^#operation\/([^/]+)$/.exec(hash);
  if (operation?.[1]) return { name: 'operation', id: decodeURIComponent(operation[1]) };
  if (hash === '#indicators') return { name: 'indicators' };
  if (hash === '#account') return { name: 'account' };
  if (hash === '#intelligence') return { name: 'intelligence' };
  if (hash === '#desk') return { name: 'desk' };
  if (hash === '#operations') return { name: 'operations' };
  return { name: 'alerts' };
}

/** The console, with the client of the current session (a new one at each sign-in and out). */
export function App() {
  return (
    <Provider value={client.value}>
      <Shell />
    </Provider>
  );
}

/** Moves the focus to the page's heading once it is shown, as a page load would for a reader. */
function focusHeading(main: HTMLElement | null): () => void {
  let tries = 0;
  let timer = 0;
  const look = () => {
    const heading = main?.querySelector('h1');
    if (heading) {
      heading.setAttribute('tabindex', '-1');
      heading.focus({ preventScroll: false });
      return;
    }
    if (++tries < 40) timer = window.setTimeout(look, 50);
  };
  look();
  return () => window.clearTimeout(timer);
}

function Shell() {
  const words = t();
  const [page, setPage] = useState<Page>(pageOf(window.location.hash));
  const [navigated, setNavigated] = useState(0);
  const [me, reexecuteMe] = useQuery({ query: ME });
  const [, signOutMutation] = useMutation(SIGN_OUT);
  const main = useRef<HTMLElement>(null);
  /** Whether someone was signed in during this visit: a later "nobody" means it ended. */
  const wasSignedIn = useRef(false);
  useEffect(() => {
    const follow = () => {
      setPage(pageOf(window.location.hash));
      setNavigated((n) => n + 1);
    };
    window.addEventListener('hashchange', follow);
    return () => window.removeEventListener('hashchange', follow);
  }, []);
  useEffect(() => (navigated > 0 ? focusHeading(main.current) : undefined), [navigated]);

  const person = me.data?.me ?? null;
  /** Said on the sign-in page when the session ended during this visit. */
  const [endedNotice, setEndedNotice] = useState(false);
  // The session ended elsewhere: a request was refused for want of one, or `me` is now null.
  const refused = sessionEnded.value;
  const gone = me.data !== undefined && !person && !me.fetching;
  useEffect(() => {
    if (wasSignedIn.current && (refused || gone)) {
      wasSignedIn.current = false;
      setEndedNotice(true);
      resetClient();
    } else if (person && !refused && !endedNotice) wasSignedIn.current = true;
  }, [person, refused, gone, endedNotice]);
  // Once the session has ended, a person still held from before (a fresh client answers `me`
  // after the old answer was shown) is not signed in: only signing in again clears the notice.
  const signedIn = person && !refused && !endedNotice ? person : null;

  const onSignedIn = () => {
    setEndedNotice(false);
    resetClient();
  };
  const signOut = async () => {
    await signOutMutation({});
    wasSignedIn.current = false;
    setEndedNotice(false);
    resetClient();
  };

  const title =
    page.name === 'reset-password'
      ? words.setPassword
      : page.name === 'link-account'
        ? words.linkTitle
        : !signedIn
          ? words.signIn
          : page.name === 'report' || page.name === 'report-edit'
            ? words.intelligence
            : page.name === 'operation'
              ? words.operations
              : page.name === 'second-factor' || page.name === 'sso-refused'
                ? words.alerts
                : words[page.name];
  useEffect(() => {
    document.title = words.pageTitle(title);
  }, [title]);

  const current = (name: Page['name']) =>
    page.name === name ||
    (name === 'intelligence' && (page.name === 'report' || page.name === 'report-edit')) ||
    (name === 'operations' && page.name === 'operation')
      ? 'page'
      : undefined;

  return (
    <div class="shell">
      {/* A button, not a link: the address is the page, and this only moves the focus. */}
      <button type="button" class="skip-link" onClick={() => main.current?.focus()}>
        {words.skipToContent}
      </button>
      <header class="top">
        <span class="brand">{words.appName}</span>
        {signedIn ? (
          <nav aria-label="Console">
            {MENU.filter((m) => mayUse(signedIn, m.name)).map((m) => (
              <a key={m.name} href={`#${m.name}`} aria-current={current(m.name)}>
                {words[m.name]}
              </a>
            ))}
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
        {signedIn ? (
          <span class="session">
            <span class="who">
              {signedIn.displayName} · {signedIn.agency.name}
            </span>
            <button type="button" onClick={signOut}>
              {words.signOut}
            </button>
          </span>
        ) : null}
      </header>
      <main
        id="content"
        ref={main}
        tabIndex={-1}
        class={page.name === 'indicators' ? 'wide' : undefined}
      >
        {page.name === 'reset-password' ? (
          <ResetPasswordPage token={page.token} />
        ) : page.name === 'link-account' ? (
          <LinkAccountPage
            key={page.challenge}
            challenge={page.challenge}
            onSignedIn={() => {
              window.location.hash = '#alerts';
              onSignedIn();
            }}
          />
        ) : me.error && !me.data ? (
          <LoadFailed
            error={me.error}
            onRetry={() => reexecuteMe({ requestPolicy: 'network-only' })}
          />
        ) : me.data === undefined ? null : !signedIn ? (
          <SignInPage
            key={page.name}
            onSignedIn={() => {
              if (page.name === 'second-factor' || page.name === 'sso-refused') {
                window.location.hash = '#alerts';
              }
              onSignedIn();
            }}
            challenge={page.name === 'second-factor' ? page.challenge : null}
            ssoRefused={page.name === 'sso-refused'}
            sessionEnded={endedNotice}
          />
        ) : !mayUse(signedIn, page.name) ? (
          <section class="panel" aria-labelledby="not-yours-title">
            <h1 id="not-yours-title">{title}</h1>
            <p role="alert">{words.notForYourRoles}</p>
            <p>
              <a href="#alerts">{words.alerts}</a>
            </p>
          </section>
        ) : page.name === 'indicators' ? (
          <Indicators />
        ) : page.name === 'account' ? (
          <AccountPage />
        ) : page.name === 'operations' ? (
          <OperationsPage me={signedIn} />
        ) : page.name === 'operation' ? (
          <OperationPage key={page.id} id={page.id} me={signedIn} />
        ) : page.name === 'desk' ? (
          <DeskPage me={signedIn} />
        ) : page.name === 'intelligence' ? (
          <IntelligencePage me={signedIn} />
        ) : page.name === 'report-edit' ? (
          <ReportEditorPage key={page.id ?? 'new'} id={page.id} me={signedIn} />
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
