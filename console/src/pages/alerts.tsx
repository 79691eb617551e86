import { stringifyDocument } from '@urql/core';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, connected, onConnected, problemOf, socket } from '../api.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, localeEnum, t } from '../i18n.ts';

// The live alert feed: the latest alerts, then every new one as it happens. The subscription
// resumes after the last cursor received, on a reconnect and after a reload, and alerts are
// kept by id, so nothing is missed and nothing shows twice.

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
  mutation ConsoleAck($id: ID!) { acknowledgeAlert(id: $id) { __typename } }
`);
const ACK_ALL = graphql(`
  mutation ConsoleAckAll($through: String) {
    acknowledgeAllAlerts(through: $through) {
      __typename ... on AcknowledgeAllAlertsSuccess { result { unreadAlertCount } }
    }
  }
`);

export type AlertItem = ResultOf<typeof ALERT_FIELDS>;
type Severity = AlertItem['severity'];
const SEVERITIES: Severity[] = ['URGENT', 'WARNING', 'INFO'];
const SEVERITY_MARK: Record<Severity, string> = { URGENT: '‼', WARNING: '!', INFO: 'i' };

const LAST_CURSOR = 'ipnet.alerts.cursor';

/** Newest first, by position in the alert log. */
function sorted(items: Map<string, AlertItem>): AlertItem[] {
  return [...items.values()].sort((a, b) => (BigInt(b.cursor) > BigInt(a.cursor) ? 1 : -1));
}

export function AlertsPage() {
  const words = t();
  const [items, setItems] = useState(new Map<string, AlertItem>());
  const [unread, setUnread] = useState(0);
  const [rules, setRules] = useState<{ id: string; name: string }[]>([]);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [rule, setRule] = useState('');
  const [unreadOnly, setUnreadOnly] = useState(false);
  const [notify, setNotify] = useState(mayNotify());
  const lastCursor = useRef<string | null>(null);
  /** Alerts shown since the list was loaded, by id: each arrives once, replayed or live. */
  const shown = useRef(new Set<string>());
  const filter = severity ? { severities: [severity] } : null;

  useEffect(() => {
    let stop: (() => void) | null = null;
    let cancelled = false;
    const remember = (cursor: string) => {
      if (!lastCursor.current || BigInt(cursor) > BigInt(lastCursor.current)) {
        lastCursor.current = cursor;
        localStorage.setItem(LAST_CURSOR, cursor);
      }
    };
    const subscribe = () => {
      stop?.();
      stop = socket().subscribe(
        {
          query: stringifyDocument(LIVE),
          variables: {
            after: lastCursor.current,
            locale: localeEnum(),
            filter,
            rule: rule || null,
          },
        },
        {
          next: (message) => {
            const event = (message.data as ResultOf<typeof LIVE> | null | undefined)?.alerts;
            if (!event) return;
            remember(event.cursor);
            if (event.type === 'VISIBILITY_LOST') {
              setItems((current) => dropSubject(current, event.lostSubject));
              return;
            }
            const alert = event.alert;
            if (!alert) return;
            if (shown.current.has(alert.id)) return;
            shown.current.add(alert.id);
            setItems((current) => new Map(current).set(alert.id, alert));
            if (!alert.acknowledged) setUnread((n) => n + 1);
            announce(alert);
          },
          error: () => undefined,
          complete: () => undefined,
        },
      );
    };
    (async () => {
      const result = await api
        .query(HISTORY, { locale: localeEnum(), filter, rule: rule || null, unreadOnly })
        .toPromise();
      if (cancelled || !result.data) return;
      const history = result.data.alerts.edges.map((e) => e.node);
      shown.current = new Set(history.map((a) => a.id));
      setItems(new Map(history.map((a) => [a.id, a])));
      setUnread(result.data.unreadAlertCount);
      setRules(result.data.myAlertRules);
      // Live alerts start after the newest one shown: no gap between the list and the stream.
      lastCursor.current = null;
      for (const alert of history) remember(alert.cursor);
      if (!lastCursor.current) lastCursor.current = localStorage.getItem(LAST_CURSOR);
      subscribe();
    })();
    // After a lost connection, the stream resumes after the last alert received.
    const offConnected = onConnected(() => {
      if (stop) subscribe();
    });
    return () => {
      cancelled = true;
      offConnected();
      stop?.();
    };
  }, [severity, rule, unreadOnly]);

  const acknowledge = async (alert: AlertItem) => {
    const result = await api.mutation(ACK, { id: alert.id }).toPromise();
    if (result.data?.acknowledgeAlert.__typename !== 'AcknowledgeAlertSuccess') return;
    setItems((current) => new Map(current).set(alert.id, { ...alert, acknowledged: true }));
    setUnread((n) => Math.max(0, n - 1));
  };

  const acknowledgeAll = async () => {
    const result = await api.mutation(ACK_ALL, { through: lastCursor.current }).toPromise();
    const answer = result.data?.acknowledgeAllAlerts;
    if (answer?.__typename !== 'AcknowledgeAllAlertsSuccess') return;
    setUnread(answer.result.unreadAlertCount);
    setItems(
      (current) =>
        new Map([...current].map(([id, alert]) => [id, { ...alert, acknowledged: true }])),
    );
  };

  const [ruleName, setRuleName] = useState('');
  const [ruleProblem, setRuleProblem] = useState<string | null>(null);
  const saveRule = async (event: Event) => {
    event.preventDefault();
    const result = await api
      .mutation(SAVE_RULE, {
        input: { name: ruleName.trim(), ...(severity ? { severities: [severity] } : {}) },
      })
      .toPromise();
    const answer = result.data?.createAlertRule;
    if (answer?.__typename === 'CreateAlertRuleSuccess') {
      setRules((current) => [...current, answer.rule]);
      setRule(answer.rule.id);
      setRuleName('');
      setRuleProblem(null);
      return;
    }
    setRuleProblem(problemOf(answer, words.error));
  };

  const askNotify = async () => {
    if (typeof Notification === 'undefined') return;
    await Notification.requestPermission();
    setNotify(mayNotify());
  };

  const list = sorted(items);
  return (
    <section class="alerts" aria-labelledby="alerts-title">
      <div class="bar">
        <h1 id="alerts-title">{words.alerts}</h1>
        <output class={connected.value ? 'status live' : 'status down'} aria-live="polite">
          {connected.value ? words.live : words.reconnecting}
        </output>
        <span class="unread" data-testid="unread">
          {words.unread(unread)}
        </span>
        <span class="spacer" />
        <button type="button" onClick={acknowledgeAll} disabled={unread === 0}>
          {words.acknowledgeAll}
        </button>
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
            onChange={(e) => setSeverity((e.target as HTMLSelectElement).value as Severity | '')}
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
          <select value={rule} onChange={(e) => setRule((e.target as HTMLSelectElement).value)}>
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
      {list.length === 0 ? <p class="empty">{words.noAlerts}</p> : null}
      <ol class="feed">
        {list.map((alert) => (
          <li
            key={alert.id}
            class={`alert ${alert.severity.toLowerCase()}${alert.acknowledged ? ' read' : ''}`}
            data-alert-id={alert.id}
          >
            <span class="severity" title={words.severity[alert.severity]}>
              <span aria-hidden="true">{SEVERITY_MARK[alert.severity]}</span>
              <span class="label">{words.severity[alert.severity]}</span>
            </span>
            <div class="body">
              <p class="title">{alert.title}</p>
              <p class="summary">{alert.summary}</p>
              <time dateTime={alert.createdAt}>
                {new Date(alert.createdAt).toLocaleString(lang.value)}
              </time>
            </div>
            {alert.acknowledged ? null : (
              <button type="button" onClick={() => acknowledge(alert)}>
                {words.acknowledge}
              </button>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
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

function dropSubject(
  items: Map<string, AlertItem>,
  subject: string | null,
): Map<string, AlertItem> {
  if (!subject) return items;
  const kept = [...items].filter(
    ([, a]) =>
      a.report?.id !== subject && a.operation?.id !== subject && a.forumEvent?.id !== subject,
  );
  return new Map(kept);
}
