import { useEffect, useState } from 'preact/hooks';
import { api, problemOf } from '../api.ts';
import { DecideControls } from '../decide.tsx';
import { graphql, type ResultOf, type VariablesOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import { categoryName, REGIONS, regionName, valueName } from '../labels.ts';
import { Tlp } from '../tlp.tsx';

// Intelligence at the desk: search what you may see, TLP:RED reports addressed to you (opened
// with a stated purpose), and hit/no-hit matches, from which access can be requested.

const SEARCH = graphql(`
  query ConsoleSearch($filter: IntelReportFilter) {
    intelReportCount(filter: $filter) { count exact }
    intelReports(first: 25, filter: $filter) {
      edges { node { id title tlp status category publishedAt authorAgency { name } } }
    }
    redReportsForMe { reportId opened publishedAt authorAgency { name } }
    intelAccessRequests(first: 20, direction: INCOMING, status: PENDING) {
      edges { node { id justification createdAt requesterAgency { name } report { id title } } }
    }
    intelMatches(first: 20) {
      edges { node { id observableType createdAt counterpartAgency { name }
        report { id title } accessRequest { status } } }
    }
  }
`);
const DECIDE_ACCESS = graphql(`
  mutation ConsoleDecideAccess($requestId: ID!, $decision: AccessDecision!, $reason: String) {
    decideAccessRequest(requestId: $requestId, decision: $decision, reason: $reason) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);
const REQUEST_ACCESS = graphql(`
  mutation ConsoleRequestAccess($matchId: ID!, $justification: String!) {
    requestAccess(matchId: $matchId, justification: $justification) {
      __typename
      ... on ValidationError { issues { message } }
      ... on Error { message }
    }
  }
`);

type Filter = NonNullable<VariablesOf<typeof SEARCH>['filter']>;
type Marking = NonNullable<Filter['tlp']>[number];
type Category = NonNullable<Filter['category']>[number];
const MARKINGS: Marking[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
const CATEGORIES: Category[] = [
  'APPAREL',
  'AUTO_PARTS',
  'BATTERIES',
  'COSMETICS',
  'ELECTRONICS',
  'FOOD_BEVERAGE',
  'FOOTWEAR',
  'LEATHER_GOODS',
  'MACHINERY',
  'OTHER',
  'PHARMACEUTICALS',
  'SOFTWARE_MEDIA',
  'TOBACCO_ALCOHOL',
  'TOYS',
  'WATCHES_JEWELLERY',
];

export function IntelligencePage() {
  const words = t();
  const [text, setText] = useState('');
  const [markings, setMarkings] = useState<Marking[]>([]);
  const [category, setCategory] = useState<Category | ''>('');
  const [region, setRegion] = useState('');
  const [brand, setBrand] = useState('');
  const [filter, setFilter] = useState<Filter>({});
  const [data, setData] = useState<ResultOf<typeof SEARCH> | null>(null);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    let cancelled = false;
    void api
      .query(SEARCH, { filter })
      .toPromise()
      .then((result) => {
        if (!cancelled) setData(result.data ?? null);
      });
    return () => {
      cancelled = true;
    };
  }, [JSON.stringify(filter), version]);

  const submit = (event: Event) => {
    event.preventDefault();
    setFilter({
      ...(text.trim() ? { search: text.trim() } : {}),
      ...(markings.length ? { tlp: markings } : {}),
      ...(category ? { category: [category] } : {}),
      ...(region ? { region: region as Filter['region'] } : {}),
      ...(brand.trim() ? { brand: brand.trim() } : {}),
    });
  };
  const reports = data?.intelReports.edges.map((e) => e.node) ?? [];
  const count = data?.intelReportCount;
  const total = count ? `${count.count.toLocaleString(lang.value)}${count.exact ? '' : '+'}` : '0';
  return (
    <section aria-labelledby="intel-title">
      <h1 id="intel-title">{words.intelligence}</h1>
      {data && data.redReportsForMe.length > 0 ? (
        <div class="panel red-notices">
          <h2>{words.redTitle}</h2>
          <ul class="reports">
            {data.redReportsForMe.map((notice) => (
              <li key={notice.reportId}>
                <span class="meta">
                  <Tlp tlp="RED" /> {notice.authorAgency.name}
                  {notice.opened ? ` · ${words.opened}` : ''}
                </span>
                <a href={`#report/${encodeURIComponent(notice.reportId)}/purpose`}>
                  {words.redOpen}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <search>
        <form class="search" onSubmit={submit}>
          <label>
            {words.searchWords}
            <input
              type="search"
              value={text}
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
          </label>
          <fieldset>
            <legend>{words.marking}</legend>
            {MARKINGS.map((m) => (
              <label key={m} class="check">
                <input
                  type="checkbox"
                  checked={markings.includes(m)}
                  onChange={(e) =>
                    setMarkings((current) =>
                      (e.target as HTMLInputElement).checked
                        ? [...current, m]
                        : current.filter((x) => x !== m),
                    )
                  }
                />
                <Tlp tlp={m} />
              </label>
            ))}
          </fieldset>
          <label>
            {words.category}
            <select
              value={category}
              onChange={(e) => setCategory((e.target as HTMLSelectElement).value as Category | '')}
            >
              <option value="">{words.anyCategory}</option>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {categoryName(lang.value, c)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {words.region}
            <select
              value={region}
              onChange={(e) => setRegion((e.target as HTMLSelectElement).value)}
            >
              <option value="">{words.allRegions}</option>
              {REGIONS.map((r) => (
                <option key={r} value={r}>
                  {regionName(lang.value, r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {words.brand}
            <input
              type="text"
              value={brand}
              onInput={(e) => setBrand((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">{words.search}</button>
        </form>
      </search>
      <p class="hint">{words.searchHint}</p>
      {data ? <p aria-live="polite">{words.results(reports.length, total)}</p> : null}
      {data && reports.length === 0 ? <p class="empty">{words.noResults}</p> : null}
      <ol class="reports">
        {reports.map((r) => (
          <li key={r.id}>
            <a href={`#report/${encodeURIComponent(r.id)}`}>{r.title}</a>
            <span class="meta">
              <Tlp tlp={r.tlp} />
              <span>{r.authorAgency.name}</span>
              <span>{categoryName(lang.value, r.category)}</span>
              <span>
                {r.publishedAt
                  ? new Date(r.publishedAt).toLocaleDateString(lang.value)
                  : words.draft}
              </span>
            </span>
          </li>
        ))}
      </ol>
      {data && data.intelAccessRequests.edges.length > 0 ? (
        <div class="panel incoming">
          <h2>{words.incoming}</h2>
          <ul class="reports">
            {data.intelAccessRequests.edges.map(({ node: request }) => (
              <Incoming
                key={request.id}
                request={request}
                onDecided={() => setVersion((v) => v + 1)}
              />
            ))}
          </ul>
        </div>
      ) : null}
      {data && data.intelMatches.edges.length > 0 ? (
        <div class="panel matches">
          <h2>{words.matchesTitle}</h2>
          <ul class="reports">
            {data.intelMatches.edges.map(({ node: match }) => (
              <Match key={match.id} match={match} onRequested={() => setVersion((v) => v + 1)} />
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}

type MatchNode = ResultOf<typeof SEARCH>['intelMatches']['edges'][number]['node'];

function Match({ match, onRequested }: { match: MatchNode; onRequested: () => void }) {
  const words = t();
  const [justification, setJustification] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const type = valueName(lang.value, match.observableType);
  const send = async (event: Event) => {
    event.preventDefault();
    const result = await api
      .mutation(REQUEST_ACCESS, { matchId: match.id, justification })
      .toPromise();
    const answer = result.data?.requestAccess;
    if (answer?.__typename === 'RequestAccessSuccess') return onRequested();
    setProblem(problemOf(answer, words.error));
  };
  return (
    <li>
      <span>{words.matchWith(match.counterpartAgency.name, type)}</span>
      {match.report ? (
        <a href={`#report/${encodeURIComponent(match.report.id)}`}>{match.report.title}</a>
      ) : null}
      {match.accessRequest ? (
        <span class="meta">
          {words.requested(valueName(lang.value, match.accessRequest.status))}
        </span>
      ) : (
        <form onSubmit={send}>
          <label>
            {words.justification}
            <input
              type="text"
              value={justification}
              onInput={(e) => setJustification((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">{words.requestAccess}</button>
          {problem ? (
            <span class="problem" role="alert">
              {problem}
            </span>
          ) : null}
        </form>
      )}
    </li>
  );
}

type IncomingNode = ResultOf<typeof SEARCH>['intelAccessRequests']['edges'][number]['node'];

function Incoming({ request, onDecided }: { request: IncomingNode; onDecided: () => void }) {
  const words = t();
  const decide = async (decision: 'APPROVE' | 'DECLINE', reason: string | null) => {
    const result = await api
      .mutation(DECIDE_ACCESS, { requestId: request.id, decision, reason })
      .toPromise();
    const answer = result.data?.decideAccessRequest;
    if (answer?.__typename !== 'DecideAccessRequestSuccess') return problemOf(answer, words.error);
    onDecided();
    return null;
  };
  return (
    <li>
      <strong>{request.requesterAgency.name}</strong>
      {request.report ? (
        <a href={`#report/${encodeURIComponent(request.report.id)}`}>{request.report.title}</a>
      ) : null}
      <q>{request.justification}</q>
      <DecideControls reasonLabel={words.reason} decide={decide} />
    </li>
  );
}
