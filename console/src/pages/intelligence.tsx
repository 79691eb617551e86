import { useMutation, useQuery } from '@urql/preact';
import { useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { DecideControls } from '../decide.tsx';
import { graphql, type ResultOf, type VariablesOf } from '../graphql.ts';
import { lang, localeEnum, t } from '../i18n.ts';
import {
  CATEGORIES,
  type Category,
  categoryName,
  MARKINGS,
  type Marking,
  REGIONS,
  type Region,
  regionName,
  valueName,
} from '../labels.ts';
import { problemOfResult, Read } from '../read.tsx';
import { day } from '../time.ts';
import { Tlp } from '../tlp.tsx';

// Intelligence at the desk: search what you may see, TLP:RED reports addressed to you (opened
// with a stated purpose), and hit/no-hit matches, from which access can be requested.

const SEARCH = graphql(`
  query ConsoleSearch($filter: IntelReportFilter, $locale: Locale) {
    intelReportCount(filter: $filter) { count exact }
    intelReports(first: 25, filter: $filter) {
      edges { node { id title tlp status category publishedAt authorAgency { name(locale: $locale) } } }
    }
    redReportsForMe { reportId opened publishedAt authorAgency { name(locale: $locale) } }
    intelAccessRequests(first: 20, direction: INCOMING, status: PENDING) {
      edges { node { id justification createdAt requesterAgency { name(locale: $locale) } report { id title } } }
    }
    intelMatches(first: 20) {
      edges { node { id observableType createdAt counterpartAgency { name(locale: $locale) }
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

export function IntelligencePage({ me }: { me: Me }) {
  const words = t();
  const [text, setText] = useState('');
  const [markings, setMarkings] = useState<Marking[]>([]);
  const [category, setCategory] = useState<Category | ''>('');
  const [region, setRegion] = useState<Region | ''>('');
  const [brand, setBrand] = useState('');
  const [filter, setFilter] = useState<Filter>({});
  const [result, reexecute] = useQuery({
    query: SEARCH,
    variables: { filter, locale: localeEnum() },
  });

  const submit = (event: Event) => {
    event.preventDefault();
    setFilter({
      ...(text.trim() ? { search: text.trim() } : {}),
      ...(markings.length ? { tlp: markings } : {}),
      ...(category ? { category: [category] } : {}),
      ...(region ? { region } : {}),
      ...(brand.trim() ? { brand: brand.trim() } : {}),
    });
  };
  const data = result.data;
  return (
    <section aria-labelledby="intel-title">
      <div class="bar">
        <h1 id="intel-title">{words.intelligence}</h1>
        {me.roles.includes('ANALYST') || me.roles.includes('NETWORK_ADMIN') ? (
          <a class="action-link" href="#report/new">
            {words.editor.newReport}
          </a>
        ) : null}
      </div>
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
              onChange={(e) => setRegion((e.target as HTMLSelectElement).value as Region | '')}
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
      <Read result={result} retry={() => reexecute({ requestPolicy: 'network-only' })}>
        {(found) => <Found data={found} />}
      </Read>
    </section>
  );
}

type Search = ResultOf<typeof SEARCH>;

/** The reports found, the requests for this agency's reports, and the matches on its values. */
function Found({ data }: { data: Search }) {
  const words = t();
  const reports = data.intelReports.edges.map((e) => e.node);
  const count = data.intelReportCount;
  const total = `${count.count.toLocaleString(lang.value)}${count.exact ? '' : '+'}`;
  return (
    <>
      <p aria-live="polite">{words.results(reports.length, total)}</p>
      {reports.length === 0 ? <p class="empty">{words.noResults}</p> : null}
      <ol class="reports">
        {reports.map((r) => (
          <li key={r.id}>
            <a href={`#report/${encodeURIComponent(r.id)}`}>{r.title}</a>
            <span class="meta">
              <Tlp tlp={r.tlp} />
              <span>{r.authorAgency.name}</span>
              <span>{categoryName(lang.value, r.category)}</span>
              <span>{r.publishedAt ? day(r.publishedAt) : words.draft}</span>
            </span>
          </li>
        ))}
      </ol>
      {data.intelAccessRequests.edges.length > 0 ? (
        <div class="panel incoming">
          <h2>{words.incoming}</h2>
          <ul class="reports">
            {data.intelAccessRequests.edges.map(({ node: request }) => (
              <Incoming key={request.id} request={request} />
            ))}
          </ul>
        </div>
      ) : null}
      {data.intelMatches.edges.length > 0 ? (
        <div class="panel matches">
          <h2>{words.matchesTitle}</h2>
          <ul class="reports">
            {data.intelMatches.edges.map(({ node: match }) => (
              <Match key={match.id} match={match} />
            ))}
          </ul>
        </div>
      ) : null}
    </>
  );
}

type MatchNode = Search['intelMatches']['edges'][number]['node'];

function Match({ match }: { match: MatchNode }) {
  const words = t();
  const [justification, setJustification] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [, request] = useMutation(REQUEST_ACCESS);
  const type = valueName(lang.value, match.observableType);
  const send = async (event: Event) => {
    event.preventDefault();
    const result = await request({ matchId: match.id, justification });
    const answer = result.data?.requestAccess;
    if (answer?.__typename === 'RequestAccessSuccess') return;
    setProblem(problemOfResult(result, answer));
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

type IncomingNode = Search['intelAccessRequests']['edges'][number]['node'];

function Incoming({ request }: { request: IncomingNode }) {
  const words = t();
  const [, decideAccess] = useMutation(DECIDE_ACCESS);
  const decide = async (decision: 'APPROVE' | 'DECLINE', reason: string | null) => {
    const result = await decideAccess({ requestId: request.id, decision, reason });
    const answer = result.data?.decideAccessRequest;
    if (answer?.__typename !== 'DecideAccessRequestSuccess') return problemOfResult(result, answer);
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
