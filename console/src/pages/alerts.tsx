import { useMutation, useQuery, useSubscription } from '@urql/preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { connected, onConnected } from '../client.ts';
import { graphql, type ResultOf, type VariablesOf } from '../graphql.ts';
import { localeEnum, t } from '../i18n.ts';
import { problemOfResult, Read } from '../read.tsx';
import { dateTime } from '../time.ts';

// The live alert feed: the latest alerts, then every new one as it happens. The subscription
// resumes after the last cursor received, on a reconnect and after a reload, and alerts are
// kept by id, so nothing is missed and nothing shows twice. Alerts, read or not, are entities
// of the one cache: marking one read shows wherever it appears, and the counts are asked again.

const ALERT_FIELDS = graphql(`
  fragment ConsoleAlert on Alert @_unmask {
    id cursor kind severity title createdAt acknowledged
    summary(locale: $locale)
    report { id } operation { id } forumEvent { id }
  }
`);

const HISTORY = graphql(
  `
  query ConsoleAlerts($locale: Locale, $filter: AlertFilterInput, $rule: ID, $unreadOnly: Boolean) {
    unreadAlertCount
    myAlertRules { id name }
    alerts(first: 50, filter: $filter, rule: $rule, unreadOnly: $unreadOnly) {
      edges { node { ...ConsoleAlert } }
    }
  }
`,
  [ALERT_FIELDS],
);

const LIVE = graphql(
  `
  subscription ConsoleLive($after: String, $locale: Locale, $filter: AlertFilterInput, $rule: ID) {
    alerts(after: $after, filter: $filter, rule: $rule) {
      type cursor lostSubject
      alert { ...ConsoleAlert }
    }
  }
`,
  [ALERT_FIELDS],
);

const SAVE_RULE = graphql(`
  mutation ConsoleSaveRule($input: AlertRuleInput!) {
    createAlertRule(input: $input) {
      __typename
      ... on CreateAlertRuleSuccess { rule { id name } }
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const ACK = graphql(`
  mutation ConsoleAck($id: ID!) {
    acknowledgeAlert(id: $id) {
      __typename
      ... on AcknowledgeAlertSuccess { alert { id acknowledged } }
      ... on Error { message }
    }
  }
`);
const ACK_ALL = graphql(`
  mutation ConsoleAckAll($through: String) {
    acknowledgeAllAlerts(through: $through) {
      __typename ... on AcknowledgeAllAlertsSuccess { result { unreadAlertCount } }
      ... on ValidationError { issues { message } }
    }
  }
`);

export type AlertItem = ResultOf<typeof ALERT_FIELDS>;
type Severity = AlertItem['severity'];
const SEVERITIES: Severity[] = ['URGENT', 'WARNING', 'INFO'];
const SEVERITY_MARK: Record<Severity, string> = { URGENT: '‼', WARNING: '!', INFO: 'i' };

const LAST_CURSOR = 'ipnet.alerts.cursor';

/** Newest first, by position in the alert log. */
function sorted(items: Iterable<AlertItem>): AlertItem[] {
  return [...items].sort((a, b) => (BigInt(b.cursor) > BigInt(a.cursor) ? 1 : -1));
}

type Filters = Pick<VariablesOf<typeof HISTORY>, 'filter' | 'rule' | 'unreadOnly'>;

export function AlertsPage() {
  const words = t();
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [rule, setRule] = useState('');
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [notify, setNotify] = useState(mayNotify());
  const filters: Filters = {
    filter: severity ? { severities: [severity] } : null,
    rule: rule || null,
    unreadOnly,
  };
  const [history, reexecute] = useQuery({
    query: HISTORY,
    variables: { locale: localeEnum(), ...filters },
  });
  const [problem, setProblem] = useState<string | null>(null);
  const [, ackAll] = useMutation(ACK_ALL);
  const [, createRule] = useMutation(SAVE_RULE);
  const [ruleName, setRuleName] = useState('');
  const [ruleProblem, setRuleProblem] = useState<string | null>(null);
  /** The newest cursor the page has shown, from the list or the stream. */
  const newest = useRef<string | null>(null);

  const acknowledgeAll = async () => {
    setProblem(null);
    const result = await ackAll({ through: newest.current });
    const answer = result.data?.acknowledgeAllAlerts;
    if (answer?.__typename !== 'AcknowledgeAllAlertsSuccess') {
      setProblem(problemOfResult(result, answer));
    }
  };

  const saveRule = async (event: Event) => {
    event.preventDefault();
    const result = await createRule({
      input: { name: ruleName.trim(), ...(severity ? { severities: [severity] } : {}) },
    });
    const answer = result.data?.createAlertRule;
    if (answer?.__typename === 'CreateAlertRuleSuccess') {
      // The rule holds the filters now: the feed is selected by the rule alone.
      setSeverity('');
      setRule(answer.rule.id);
      setRuleName('');
      setRuleProblem(null);
      return;
    }
    setRuleProblem(problemOfResult(result, answer));
  };

  const askNotify = async () => {
    if (typeof Notification === 'undefined') return;
    await Notification.requestPermission();
    setNotify(mayNotify());
  };

  // The saved rules stay offered while the feed they select is on its way.
  const knownRules = useRef<{ id: string; name: string }[]>([]);
  if (history.data) knownRules.current = history.data.myAlertRules;
  const rules = knownRules.current;
  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <div class="bar">
        <h1 id="alerts-title">{words.alerts}</h1>
        <output class={connected.value ? 'status live' : 'status down'} aria-live="polite">
          {connected.value ? words.live : words.reconnecting}
        </output>
        <span class="spacer" />
        {notify ? (
          <span class="note">{words.notifyOn}</span>
        ) : (
          <button type="button" onClick={askNotify}>
            {words.notify}
          </button>
        )}
      </div>
      <div class="filters">
        <label>
          {words.filterSeverity}
          <select
            value={severity}
            onChange={(e) => {
              // A feed is selected by filters or by a saved rule, not both.
              setSeverity((e.target as HTMLSelectElement).value as Severity | '');
              setRule('');
            }}
          >
            <option value="">{words.allSeverities}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {words.severity[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {words.savedRules}
          <select
            value={rule}
            onChange={(e) => {
              setRule((e.target as HTMLSelectElement).value);
              setSeverity('');
            }}
          >
            <option value="">{words.noRule}</option>
            {rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={unreadOnly}
            onChange={(e) => setUnreadOnly((e.target as HTMLInputElement).checked)}
          />
          {words.unreadOnly}
        </label>
      </div>
      <form class="filters" onSubmit={saveRule}>
        <label>
          {words.ruleName}
          <input
            type="text"
            required
            value={ruleName}
            onInput={(e) => setRuleName((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">{words.saveRule}</button>
        {ruleProblem ? (
          <span class="problem" role="alert">
            {ruleProblem}
          </span>
        ) : null}
      </form>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
      <Read result={history} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(loaded) => (
          // A new choice of filters is a new feed: its own list, stream and cursor.
          <Feed
            key={JSON.stringify(filters)}
            history={loaded}
            filters={filters}
            newest={newest}
            onAcknowledgeAll={acknowledgeAll}
          />
        )}
      </Read>
    </section>
  );
}

type History = ResultOf<typeof HISTORY>;
type LiveEvent = ResultOf<typeof LIVE>['alerts'];

/** What the stream has brought since the list was loaded: alerts by id, subjects no longer visible. */
interface Arrived {
  alerts: Map<string, AlertItem>;
  lost: Set<string>;
  cursor: string | null;
}

function Feed(props: {
  history: History;
  filters: Filters;
  newest: { current: string | null };
  onAcknowledgeAll: () => void;
}) {
  const words = t();
  const listed = props.history.alerts.edges.map((e) => e.node);
  // The stream starts after the newest alert listed (else where the last visit stopped), and
  // after a lost connection resumes after the last alert received: no gap, and no repeat.
  const [after, setAfter] = useState<string | null>(
    () => newestOf(listed.map((a) => a.cursor)) ?? localStorage.getItem(LAST_CURSOR),
  );
  const listedIds = new Set(listed.map((a) => a.id));
  const [live] = useSubscription(
    {
      query: LIVE,
      variables: {
        after,
        locale: localeEnum(),
        filter: props.filters.filter,
        rule: props.filters.rule,
      },
    },
    (arrived: Arrived | undefined, message: ResultOf<typeof LIVE>): Arrived => {
      const next: Arrived = arrived
        ? { alerts: new Map(arrived.alerts), lost: new Set(arrived.lost), cursor: arrived.cursor }
        : { alerts: new Map(), lost: new Set(), cursor: null };
      const event: LiveEvent = message.alerts;
      next.cursor = newestOf([next.cursor, event.cursor]);
      if (event.type === 'VISIBILITY_LOST' && event.lostSubject) next.lost.add(event.lostSubject);
      const alert = event.alert;
      if (alert && !next.alerts.has(alert.id) && !listedIds.has(alert.id)) {
        next.alerts.set(alert.id, alert);
        announce(alert);
      }
      return next;
    },
  );
  const arrived = live.data;
  const cursor = newestOf([after, arrived?.cursor ?? null, ...listed.map((a) => a.cursor)]);
  useEffect(() => {
    props.newest.current = cursor;
    if (cursor) localStorage.setItem(LAST_CURSOR, cursor);
  }, [cursor]);
  const resumeFrom = useRef(cursor);
  resumeFrom.current = cursor;
  useEffect(() => onConnected(() => setAfter(resumeFrom.current)), []);

  // The list as the cache has it now (read or not), then what arrived since, once each.
  const lost = arrived?.lost ?? new Set<string>();
  const shown = sorted([
    ...listed,
    ...[...(arrived?.alerts.values() ?? [])].filter((a) => !listedIds.has(a.id)),
  ]).filter(
    (a) =>
      !lost.has(a.report?.id ?? '') &&
      !lost.has(a.operation?.id ?? '') &&
      !lost.has(a.forumEvent?.id ?? ''),
  );
  const arrivedUnread = [...(arrived?.alerts.values() ?? [])].filter(
    (a) => !listedIds.has(a.id) && !a.acknowledged,
  ).length;
  const unread = props.history.unreadAlertCount + arrivedUnread;
  return (
    <>
      <div class="bar feed-bar">
        <span class="unread" data-testid="unread">
          {words.unread(unread)}
        </span>
        <button type="button" onClick={props.onAcknowledgeAll} disabled={unread === 0}>
          {words.acknowledgeAll}
        </button>
      </div>
      {live.error ? (
        <p class="problem" role="alert">
          {words.loadFailed(live.error.message)}
        </p>
      ) : null}
      {shown.length === 0 ? <p class="empty">{words.noAlerts}</p> : null}
      <ol class="feed">
        {shown.map((alert) => (
          <AlertRow key={alert.id} alert={alert} />
        ))}
      </ol>
    </>
  );
}

function AlertRow({ alert }: { alert: AlertItem }) {
  const words = t();
  const [{ fetching }, ack] = useMutation(ACK);
  const [problem, setProblem] = useState<string | null>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  const read = alert.acknowledged || acknowledged;
  const acknowledge = async () => {
    setProblem(null);
    const result = await ack({ id: alert.id });
    const answer = result.data?.acknowledgeAlert;
    if (answer?.__typename === 'AcknowledgeAlertSuccess') setAcknowledged(true);
    else setProblem(problemOfResult(result, answer));
  };
  return (
    <li
      class={`alert ${alert.severity.toLowerCase()}${read ? ' read' : ''}`}
      data-alert-id={alert.id}
    >
      <span class="severity" title={words.severity[alert.severity]}>
        <span aria-hidden="true">{SEVERITY_MARK[alert.severity]}</span>
        <span class="label">{words.severity[alert.severity]}</span>
      </span>
      <div class="body">
        <p class="title">
          {alert.operation ? (
            <a href={`#operation/${encodeURIComponent(alert.operation.id)}`}>{alert.title}</a>
          ) : (
            alert.title
          )}
        </p>
        <p class="summary">{alert.summary}</p>
        <time dateTime={alert.createdAt}>{dateTime(alert.createdAt)}</time>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </div>
      {read ? null : (
        <button type="button" onClick={acknowledge} disabled={fetching}>
          {words.acknowledge}
        </button>
      )}
    </li>
  );
}

/** The newest of some cursors (positions in the alert log), or null. */
function newestOf(cursors: (string | null | undefined)[]): string | null {
  let newest: string | null = null;
  for (const cursor of cursors) {
    if (cursor && (!newest || BigInt(cursor) > BigInt(newest))) newest = cursor;
  }
  return newest;
}

/** Whether desktop notifications are permitted, as the browser says now. */
function mayNotify(): boolean {
  return typeof Notification !== 'undefined' && Notification.permission === 'granted';
}

/** A desktop notification for an alert, while the console is not in view. */
function announce(alert: AlertItem): void {
  if (!mayNotify() || document.visibilityState === 'visible') return;
  new Notification(alert.title, { body: alert.summary, tag: alert.id });
}
