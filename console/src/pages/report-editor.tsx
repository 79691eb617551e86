import { useMutation, useQuery } from '@urql/preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Me } from '../app.tsx';
import { graphql, type ResultOf } from '../graphql.ts';
import { LANGS, lang, localeEnum, t } from '../i18n.ts';
import {
  CATEGORIES,
  type Category,
  categoryName,
  type EnumOf,
  MARKINGS,
  type Marking,
  REGIONS,
  type Region,
  regionName,
  valueName,
} from '../labels.ts';
import { type ObservableType, recogniseLines } from '../observables.ts';
import { LoadFailed, Loading, reasonOf } from '../read.tsx';
import { dateTime } from '../time.ts';
import { Tlp } from '../tlp.tsx';

// The report editor: a new report (`#report/new`) or one of the agency's own
// (`#report/<id>/edit`). It saves drafts, publishes, edits after publication (each change a
// version, listed here), retracts with a reason. Observables are checked as they are typed by the
// server's own rule (`lookupObservable` answers the normal form, or the rule broken), and pasted
// in bulk with their types recognised (`console/src/observables.ts`). Who will read the report is
// said in words from the chosen marking and audience, by the rule of docs/access-control.md.

type Scope = EnumOf<'AudienceScope'>;
type Pap = EnumOf<'Pap'>;
type IpRight = EnumOf<'IpRight'>;
type Reliability = EnumOf<'SourceReliability'>;

const PAPS: Pap[] = ['CLEAR', 'GREEN', 'AMBER', 'RED'];
const IP_RIGHTS: IpRight[] = [
  'TRADEMARK',
  'PATENT',
  'DESIGN',
  'COPYRIGHT',
  'GEOGRAPHICAL_INDICATION',
];
const RELIABILITIES: Reliability[] = ['A', 'B', 'C', 'D', 'E', 'F'];
const OBSERVABLE_TYPES: ObservableType[] = [
  'CONTAINER_NUMBER',
  'AIR_WAYBILL',
  'VESSEL_IMO',
  'BILL_OF_LADING',
  'COURIER_TRACKING',
  'GTIN',
  'PHONE',
  'EMAIL',
  'DOMAIN',
  'WEBSITE_URL',
  'MARKETPLACE_LISTING',
  'COMPANY_NAME',
  'COMPANY_REGISTRATION',
  'PERSON_NAME',
  'POSTAL_ADDRESS',
  'TRADEMARK_REGISTRATION',
  'PAYMENT_ACCOUNT',
];

const EDIT_REPORT = graphql(`
  query ConsoleEditReport($id: ID!) {
    intelReport(id: $id) {
      id title summary language category ipRight brands tlp pap status version
      publishedAt retractionReason matchingOptOut
      grading { sourceReliability infoCredibility }
      route { origin transit destination }
      audience { scope regions agencies { id name } recipients { id displayName } }
      observables { id type value }
      versions { version changedAt changedBy { displayName } changes }
    }
  }
`);
const DIRECTORY = graphql(`
  query ConsoleAudienceDirectory($locale: Locale) {
    agencies(first: 100) { edges { node { id name(locale: $locale) regions } } }
    me { id agency { id name(locale: $locale) users(first: 100) { edges { node { id displayName } } } } }
  }
`);
const CHECK = graphql(`
  query ConsoleCheckObservable($type: ObservableType!, $value: String!) {
    lookupObservable(type: $type, value: $value) { normalisedValue }
  }
`);
const CREATE = graphql(`
  mutation ConsoleCreateReport($input: IntelReportInput!) {
    createIntelReport(input: $input) {
      __typename
      ... on CreateIntelReportSuccess { report { id status } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const UPDATE = graphql(`
  mutation ConsoleUpdateReport($id: ID!, $input: IntelReportChanges!) {
    updateIntelReport(id: $id, input: $input) {
      __typename
      ... on UpdateIntelReportSuccess { report { id status version } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const PUBLISH = graphql(`
  mutation ConsolePublishReport($id: ID!) {
    publishIntelReport(id: $id) {
      __typename
      ... on PublishIntelReportSuccess { report { id status publishedAt } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const RETRACT = graphql(`
  mutation ConsoleRetractReport($id: ID!, $reason: String!) {
    retractIntelReport(id: $id, reason: $reason) {
      __typename
      ... on RetractIntelReportSuccess { report { id status retractionReason } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const ADD_OBSERVABLES = graphql(`
  mutation ConsoleAddObservables($reportId: ID!, $observables: [ObservableInput!]!) {
    addObservables(reportId: $reportId, observables: $observables) {
      __typename
      ... on AddObservablesSuccess { report { id observables { id type value } } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);
const REMOVE_OBSERVABLE = graphql(`
  mutation ConsoleRemoveObservable($observableId: ID!) {
    removeObservable(observableId: $observableId) {
      __typename
      ... on RemoveObservableSuccess { report { id observables { id type value } } }
      ... on ValidationError { issues { path message } }
      ... on Error { message }
    }
  }
`);

type Existing = NonNullable<ResultOf<typeof EDIT_REPORT>['intelReport']>;
type Directory = ResultOf<typeof DIRECTORY>;

/** One observable not yet stored: as typed, with the type chosen or recognised. */
type Pending = { key: number; type: ObservableType | null; value: string };

type Form = {
  title: string;
  summary: string;
  language: string;
  category: Category;
  ipRight: IpRight;
  brands: string;
  tlp: Marking;
  pap: Pap;
  reliability: Reliability;
  credibility: number;
  origin: string;
  transit: string;
  destination: string;
  scope: Scope;
  regions: Region[];
  agencyIds: string[];
  recipientIds: string[];
  matching: boolean;
};

/** Where the server's issues point for the form's fields that it names otherwise. */
const PATHS: Partial<Record<keyof Form, string>> = {
  reliability: 'sourceReliability',
  credibility: 'infoCredibility',
  origin: 'route.origin',
  transit: 'route.transit',
  destination: 'route.destination',
  scope: 'audience',
  regions: 'audience',
  agencyIds: 'audience',
  recipientIds: 'audience',
};

/** Refusals by field: the issue's path without its `input`, joined with dots. */
type Problems = Record<string, string>;

const restricted = (tlp: Marking) => tlp === 'RED' || tlp === 'AMBER_STRICT';
const list = (text: string) =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const country = (text: string) => text.trim().toUpperCase() || null;

function formOf(report: Existing | null): Form {
  if (!report) {
    return {
      title: '',
      summary: '',
      language: lang.value,
      category: 'OTHER',
      ipRight: 'TRADEMARK',
      brands: '',
      tlp: 'AMBER',
      pap: 'AMBER',
      reliability: 'B',
      credibility: 2,
      origin: '',
      transit: '',
      destination: '',
      scope: 'NETWORK',
      regions: [],
      agencyIds: [],
      recipientIds: [],
      matching: true,
    };
  }
  return {
    title: report.title,
    summary: report.summary,
    language: report.language,
    category: report.category,
    ipRight: report.ipRight,
    brands: report.brands.join(', '),
    tlp: report.tlp,
    pap: report.pap,
    reliability: report.grading.sourceReliability,
    credibility: report.grading.infoCredibility,
    origin: report.route.origin ?? '',
    transit: report.route.transit.join(', '),
    destination: report.route.destination ?? '',
    scope: report.audience?.scope ?? 'NETWORK',
    regions: report.audience?.regions ?? [],
    agencyIds: report.audience?.agencies.map((a) => a.id) ?? [],
    recipientIds: report.audience?.recipients.map((r) => r.id) ?? [],
    matching: !(report.matchingOptOut ?? restricted(report.tlp)),
  };
}

function problemsOf(issues: readonly { path: readonly string[]; message: string }[]): Problems {
  const found: Problems = {};
  for (const issue of issues) {
    const path = issue.path[0] === 'input' ? issue.path.slice(1) : issue.path;
    const key = path.join('.') || 'form';
    found[key] = found[key] ? `${found[key]}; ${issue.message}` : issue.message;
  }
  return found;
}

export function ReportEditorPage({ id, me }: { id: string | null; me: Me }) {
  const words = t();
  const mayWrite = me.roles.includes('ANALYST') || me.roles.includes('NETWORK_ADMIN');
  const [existing, reexecute] = useQuery({
    query: EDIT_REPORT,
    variables: { id: id ?? '' },
    pause: id === null || !mayWrite,
    requestPolicy: 'cache-and-network',
  });
  const [directory, reexecuteDirectory] = useQuery({
    query: DIRECTORY,
    variables: { locale: localeEnum() },
    pause: !mayWrite,
  });
  if (!mayWrite) {
    return (
      <section class="panel" aria-labelledby="not-yours-title">
        <h1 id="not-yours-title">{words.editor.newTitle}</h1>
        <p role="alert">{words.notForYourRoles}</p>
        <p>
          <a href="#intelligence">{words.back}</a>
        </p>
      </section>
    );
  }
  if (directory.error && !directory.data) {
    return (
      <LoadFailed
        error={directory.error}
        onRetry={() => reexecuteDirectory({ requestPolicy: 'network-only' })}
      />
    );
  }
  if (id !== null && existing.error && !existing.data) {
    return (
      <LoadFailed
        error={existing.error}
        onRetry={() => reexecute({ requestPolicy: 'network-only' })}
      />
    );
  }
  if (!directory.data || (id !== null && !existing.data)) return <Loading />;
  const report = id === null ? null : (existing.data?.intelReport ?? null);
  if (id !== null && !report?.audience) {
    return (
      <section class="panel" aria-labelledby="report-missing-title">
        <h1 id="report-missing-title">{words.editor.editTitle}</h1>
        <p role="alert">{words.notFound}</p>
        <p>
          <a href="#intelligence">{words.back}</a>
        </p>
      </section>
    );
  }
  return (
    <Editor
      key={report?.id ?? 'new'}
      report={report}
      directory={directory.data}
      reload={() => reexecute({ requestPolicy: 'network-only' })}
    />
  );
}

function Editor(props: { report: Existing | null; directory: Directory; reload: () => void }) {
  const words = t();
  const e = words.editor;
  const { report, directory } = props;
  const [form, setForm] = useState<Form>(() => formOf(report));
  const [pending, setPending] = useState<Pending[]>([]);
  const [pasted, setPasted] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [reason, setReason] = useState('');
  const [, create] = useMutation(CREATE);
  const [, update] = useMutation(UPDATE);
  const [, publish] = useMutation(PUBLISH);
  const [, retract] = useMutation(RETRACT);
  const [, addObservables] = useMutation(ADD_OBSERVABLES);
  const [, removeObservable] = useMutation(REMOVE_OBSERVABLE);
  const [nextKey, setNextKey] = useState(1);

  const set = <K extends keyof Form>(field: K, value: Form[K]) => {
    setForm((current) => ({ ...current, [field]: value }));
    // A refusal is about what was sent: it goes once the field is changed.
    const path = PATHS[field] ?? field;
    setProblems((current) =>
      Object.fromEntries(
        Object.entries(current).filter(([key]) => key !== path && !key.startsWith(`${path}.`)),
      ),
    );
  };
  const setTlp = (tlp: Marking) =>
    setForm((current) => ({
      ...current,
      tlp,
      // TLP:RED goes to named people only, and named people are for TLP:RED only.
      scope:
        tlp === 'RED' ? 'RECIPIENTS' : current.scope === 'RECIPIENTS' ? 'NETWORK' : current.scope,
      matching: restricted(tlp) === restricted(current.tlp) ? current.matching : !restricted(tlp),
    }));

  const agencies = directory.agencies.edges.map((edge) => edge.node);
  const myAgency = directory.me?.agency;
  // The author reads a TLP:RED report as its author: the others are named.
  const people =
    myAgency?.users.edges.map((edge) => edge.node).filter((p) => p.id !== directory.me?.id) ?? [];
  const status = report?.status ?? 'DRAFT';

  const addRows = (rows: { type: ObservableType | null; value: string }[]) => {
    setPending((current) => [...current, ...rows.map((row, i) => ({ ...row, key: nextKey + i }))]);
    setNextKey((n) => n + rows.length);
  };

  const audience = () => ({
    scope: form.scope,
    ...(form.scope === 'REGIONS' ? { regions: form.regions } : {}),
    ...(form.scope === 'AGENCIES' ? { agencyIds: form.agencyIds } : {}),
    ...(form.scope === 'RECIPIENTS' ? { recipientIds: form.recipientIds } : {}),
  });
  const fields = () => ({
    title: form.title,
    summary: form.summary,
    language: form.language,
    category: form.category,
    ipRight: form.ipRight,
    brands: list(form.brands),
    tlp: form.tlp,
    pap: form.pap,
    sourceReliability: form.reliability,
    infoCredibility: form.credibility,
    route: {
      origin: country(form.origin),
      transit: list(form.transit).map((c) => c.toUpperCase()),
      destination: country(form.destination),
    },
    audience: audience(),
    matchingOptOut: !form.matching,
  });

  /** The observables typed, or a refusal at each row without a type. */
  const typedObservables = () => {
    const untyped: Problems = {};
    pending.forEach((row, index) => {
      if (!row.type) untyped[`observables.${index}.type`] = e.chooseType;
    });
    return {
      untyped,
      observables: pending.map((row) => ({ type: row.type as ObservableType, value: row.value })),
    };
  };

  /** Saves what is on the form; answers the report's id, or null when refused. */
  const save = async (): Promise<string | null> => {
    const { untyped, observables } = typedObservables();
    if (Object.keys(untyped).length > 0) {
      setProblems(untyped);
      return null;
    }
    if (!report) {
      const result = await create({ input: { ...fields(), observables } });
      const answer = result.data?.createIntelReport;
      if (answer?.__typename === 'CreateIntelReportSuccess') {
        setPending([]);
        return answer.report.id;
      }
      refuse(result, answer);
      return null;
    }
    const result = await update({ id: report.id, input: fields() });
    const answer = result.data?.updateIntelReport;
    if (answer?.__typename !== 'UpdateIntelReportSuccess') {
      refuse(result, answer);
      return null;
    }
    if (observables.length > 0) {
      const added = await addObservables({ reportId: report.id, observables });
      const addAnswer = added.data?.addObservables;
      if (addAnswer?.__typename !== 'AddObservablesSuccess') {
        refuse(added, addAnswer);
        return null;
      }
      setPending([]);
    }
    return report.id;
  };

  const refuse = (
    result: { error?: Parameters<typeof reasonOf>[0] },
    answer:
      | { __typename: string; issues?: { path: string[]; message: string }[]; message?: string }
      | null
      | undefined,
  ) => {
    if (result.error) setProblems({ form: reasonOf(result.error) });
    else if (answer?.issues) setProblems(problemsOf(answer.issues));
    else setProblems({ form: answer?.message ?? words.error });
  };

  const run = async (then: 'save' | 'publish') => {
    setBusy(true);
    setNotice(null);
    setProblems({});
    try {
      const saved = await save();
      if (!saved) return;
      if (then === 'publish' && status === 'DRAFT') {
        const result = await publish({ id: saved });
        const answer = result.data?.publishIntelReport;
        if (answer?.__typename !== 'PublishIntelReportSuccess') {
          if (!report) window.location.hash = `#report/${encodeURIComponent(saved)}/edit`;
          refuse(result, answer);
          return;
        }
        window.location.hash = `#report/${encodeURIComponent(saved)}`;
        return;
      }
      if (!report) {
        window.location.hash = `#report/${encodeURIComponent(saved)}/edit`;
        return;
      }
      setNotice(e.saved);
      props.reload();
    } finally {
      setBusy(false);
    }
  };

  const doRetract = async (event: Event) => {
    event.preventDefault();
    if (!report) return;
    setProblems({});
    setNotice(null);
    const result = await retract({ id: report.id, reason });
    const answer = result.data?.retractIntelReport;
    if (answer?.__typename !== 'RetractIntelReportSuccess') {
      const refusal =
        answer && 'issues' in answer && answer.issues
          ? answer.issues.map((i) => i.message).join('; ')
          : result.error
            ? reasonOf(result.error)
            : ((answer && 'message' in answer ? answer.message : null) ?? words.error);
      setProblems({ reason: refusal });
      return;
    }
    props.reload();
  };

  const remove = async (observableId: string) => {
    const result = await removeObservable({ observableId });
    const answer = result.data?.removeObservable;
    if (answer?.__typename !== 'RemoveObservableSuccess') refuse(result, answer);
    else props.reload();
  };

  const sentence = readersSentence(
    form,
    agencies,
    people,
    myAgency?.name ?? '',
    status === 'DRAFT',
  );
  const headingId = 'editor-title';
  return (
    <section class="editor" aria-labelledby={headingId}>
      <p>
        <a href={report ? `#report/${encodeURIComponent(report.id)}` : '#intelligence'}>
          {words.back}
        </a>
      </p>
      <h1 id={headingId}>{report ? e.editTitle : e.newTitle}</h1>
      {report ? (
        <p class="meta">
          <Tlp tlp={report.tlp} /> <span class="status">{e.status[report.status]}</span>
          {report.status === 'PUBLISHED' ? <span>{e.publishedNote}</span> : null}
          {report.retractionReason ? <span>{e.retracted(report.retractionReason)}</span> : null}
        </p>
      ) : null}
      {problems.form ? (
        <p class="problem" role="alert">
          {problems.form}
        </p>
      ) : Object.keys(problems).length > 0 ? (
        <p class="problem" role="alert">
          {e.fixFields}
        </p>
      ) : null}
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form
        class="report-form"
        onSubmit={(event) => {
          event.preventDefault();
          void run('save');
        }}
      >
        <fieldset class="whole" disabled={status === 'RETRACTED'}>
          <Field label={e.title} problem={problems.title}>
            {(described, id) => (
              <input
                type="text"
                value={form.title}
                id={id}
                aria-describedby={described}
                onInput={(ev) => set('title', (ev.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <Field label={e.summary} problem={problems.summary}>
            {(described, id) => (
              <textarea
                rows={4}
                value={form.summary}
                id={id}
                aria-describedby={described}
                onInput={(ev) => set('summary', (ev.target as HTMLTextAreaElement).value)}
              />
            )}
          </Field>
          <div class="row">
            <Field label={e.language} problem={problems.language}>
              {(described, id) => (
                <select
                  value={form.language}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) => set('language', (ev.target as HTMLSelectElement).value)}
                >
                  {LANGS.map((l) => (
                    <option key={l.code} value={l.code}>
                      {l.name}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={words.category} problem={problems.category}>
              {(described, id) => (
                <select
                  value={form.category}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) =>
                    set('category', (ev.target as HTMLSelectElement).value as Category)
                  }
                >
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {categoryName(lang.value, c)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={e.ipRight} problem={problems.ipRight}>
              {(described, id) => (
                <select
                  value={form.ipRight}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) =>
                    set('ipRight', (ev.target as HTMLSelectElement).value as IpRight)
                  }
                >
                  {IP_RIGHTS.map((r) => (
                    <option key={r} value={r}>
                      {e.ipRights[r]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field label={e.brands} problem={problems.brands}>
            {(described, id) => (
              <input
                type="text"
                value={form.brands}
                id={id}
                aria-describedby={described}
                onInput={(ev) => set('brands', (ev.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <div class="row">
            <Field label={e.tlp} problem={problems.tlp}>
              {(described, id) => (
                <select
                  value={form.tlp}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) => setTlp((ev.target as HTMLSelectElement).value as Marking)}
                >
                  {MARKINGS.map((m) => (
                    <option key={m} value={m}>
                      TLP:{m.replace('_', '+')}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={e.pap} problem={problems.pap}>
              {(described, id) => (
                <select
                  value={form.pap}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) => set('pap', (ev.target as HTMLSelectElement).value as Pap)}
                >
                  {PAPS.map((p) => (
                    <option key={p} value={p}>
                      PAP:{p}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={e.reliability} problem={problems.sourceReliability}>
              {(described, id) => (
                <select
                  value={form.reliability}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) =>
                    set('reliability', (ev.target as HTMLSelectElement).value as Reliability)
                  }
                >
                  {RELIABILITIES.map((r) => (
                    <option key={r} value={r}>
                      {e.reliabilities[r]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field label={e.credibility} problem={problems.infoCredibility}>
              {(described, id) => (
                <select
                  value={String(form.credibility)}
                  id={id}
                  aria-describedby={described}
                  onChange={(ev) =>
                    set('credibility', Number((ev.target as HTMLSelectElement).value))
                  }
                >
                  {e.credibilities.map((label, i) => (
                    <option key={label} value={String(i + 1)}>
                      {label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <fieldset>
            <legend>{e.route}</legend>
            <div class="row">
              <Field label={e.origin} problem={problems['route.origin']}>
                {(described, id) => (
                  <input
                    type="text"
                    class="short"
                    value={form.origin}
                    id={id}
                    aria-describedby={described}
                    onInput={(ev) => set('origin', (ev.target as HTMLInputElement).value)}
                  />
                )}
              </Field>
              <Field label={e.transit} problem={problemAt(problems, 'route.transit')}>
                {(described, id) => (
                  <input
                    type="text"
                    value={form.transit}
                    id={id}
                    aria-describedby={described}
                    onInput={(ev) => set('transit', (ev.target as HTMLInputElement).value)}
                  />
                )}
              </Field>
              <Field label={e.destination} problem={problems['route.destination']}>
                {(described, id) => (
                  <input
                    type="text"
                    class="short"
                    value={form.destination}
                    id={id}
                    aria-describedby={described}
                    onInput={(ev) => set('destination', (ev.target as HTMLInputElement).value)}
                  />
                )}
              </Field>
            </div>
          </fieldset>
          <fieldset class="audience">
            <legend>{e.audience}</legend>
            {(form.tlp === 'RED'
              ? (['RECIPIENTS'] as const)
              : (['NETWORK', 'REGIONS', 'AGENCIES'] as const)
            ).map((scope) => (
              <label key={scope} class="check">
                <input
                  type="radio"
                  name="scope"
                  checked={form.scope === scope}
                  onChange={() => set('scope', scope)}
                />
                {e.scopes[scope]}
              </label>
            ))}
            {form.scope === 'REGIONS' ? (
              <Choices
                legend={e.regions}
                items={REGIONS.map((r) => ({ id: r, name: regionName(lang.value, r) }))}
                chosen={form.regions}
                onChange={(chosen) => set('regions', chosen as Region[])}
              />
            ) : null}
            {form.scope === 'AGENCIES' ? (
              <Choices
                legend={e.agencies}
                items={agencies.filter((a) => a.id !== myAgency?.id)}
                chosen={form.agencyIds}
                onChange={(chosen) => set('agencyIds', chosen)}
              />
            ) : null}
            {form.scope === 'RECIPIENTS' ? (
              <>
                <Choices
                  legend={e.recipients}
                  items={people.map((p) => ({ id: p.id, name: p.displayName }))}
                  chosen={form.recipientIds}
                  onChange={(chosen) => set('recipientIds', chosen)}
                />
                <p class="hint">{e.recipientsNote}</p>
              </>
            ) : null}
            {problemAt(problems, 'audience') ? (
              <p class="problem" role="alert">
                {problemAt(problems, 'audience')}
              </p>
            ) : null}
            <div class="readers" aria-live="polite">
              <h2>{e.whoReads}</h2>
              {sentence.map((line) => (
                <p key={line}>{line}</p>
              ))}
            </div>
            <label class="check">
              <input
                type="checkbox"
                checked={form.matching}
                onChange={(ev) => set('matching', (ev.target as HTMLInputElement).checked)}
              />
              {e.matching}
            </label>
            {restricted(form.tlp) ? <p class="hint">{e.matchingRestricted}</p> : null}
          </fieldset>
          <fieldset class="observables">
            <legend>{e.observables}</legend>
            {report && report.observables.length > 0 ? (
              <ul class="stored">
                {report.observables.map((o) => (
                  <li key={o.id}>
                    <span class="kind">{valueName(lang.value, o.type)}</span> <code>{o.value}</code>{' '}
                    {status !== 'RETRACTED' ? (
                      <button type="button" class="link-button" onClick={() => void remove(o.id)}>
                        {e.remove}
                        <span class="visually-hidden"> {o.value}</span>
                      </button>
                    ) : null}
                  </li>
                ))}
              </ul>
            ) : null}
            <ol class="pending">
              {pending.map((row, index) => (
                <ObservableRow
                  key={row.key}
                  row={row}
                  index={index}
                  problem={problemAt(problems, `observables.${index}`)}
                  onChange={(next) =>
                    setPending((current) => current.map((r) => (r.key === row.key ? next : r)))
                  }
                  onRemove={() => setPending((current) => current.filter((r) => r.key !== row.key))}
                />
              ))}
            </ol>
            <button type="button" onClick={() => addRows([{ type: null, value: '' }])}>
              {e.addObservable}
            </button>
            <label class="paste">
              {e.paste}
              <textarea
                rows={4}
                value={pasted}
                onInput={(ev) => setPasted((ev.target as HTMLTextAreaElement).value)}
              />
            </label>
            <button
              type="button"
              onClick={() => {
                addRows(recogniseLines(pasted));
                setPasted('');
              }}
            >
              {e.addLines}
            </button>
          </fieldset>
          {status !== 'RETRACTED' ? (
            <div class="actions">
              <button type="submit" disabled={busy}>
                {status === 'DRAFT' ? e.saveDraft : e.saveChanges}
              </button>
              {status === 'DRAFT' ? (
                <button
                  type="button"
                  class="primary"
                  disabled={busy}
                  onClick={() => void run('publish')}
                >
                  {e.publish}
                </button>
              ) : null}
            </div>
          ) : null}
        </fieldset>
      </form>
      {report && report.status !== 'DRAFT' ? (
        <section class="versions" aria-labelledby="versions-title">
          <h2 id="versions-title">{e.versions}</h2>
          {report.versions.length === 0 ? <p class="empty">{e.noVersions}</p> : null}
          <ol>
            {report.versions.map((v) => (
              <li key={v.version}>
                {e.versionBy(
                  v.version,
                  dateTime(v.changedAt),
                  v.changedBy?.displayName ?? e.someone,
                )}
                <Changes changes={v.changes} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      {report && report.status === 'PUBLISHED' ? (
        <form class="retract" onSubmit={doRetract}>
          <Field label={e.retractReason} problem={problems.reason}>
            {(described, id) => (
              <input
                type="text"
                value={reason}
                id={id}
                aria-describedby={described}
                onInput={(ev) => setReason((ev.target as HTMLInputElement).value)}
              />
            )}
          </Field>
          <button type="submit">{e.retract}</button>
        </form>
      ) : null}
    </section>
  );
}

/** A version's changes: each field with its value before and after. */
function Changes({ changes }: { changes: unknown }) {
  const words = t();
  const e = words.editor;
  const names: Record<string, string> = {
    title: e.title,
    summary: e.summary,
    language: e.language,
    category: words.category,
    ipRight: e.ipRight,
    brands: words.brands,
    tlp: e.tlp,
    pap: e.pap,
    sourceReliability: e.reliability,
    infoCredibility: e.credibility,
    route: e.route,
    audience: e.audience,
    matchingOptOut: e.matching,
    observables: e.observables,
    status: e.statusField,
    retractionReason: e.retractReason,
    observablesAdded: e.observablesAdded,
    observableRemoved: e.observableRemoved,
  };
  const shown = (value: unknown) =>
    value === null || value === undefined
      ? '—'
      : typeof value === 'string' || typeof value === 'number'
        ? String(value)
        : Array.isArray(value) && value.every((item) => typeof item === 'string')
          ? value.join(', ')
          : JSON.stringify(value);
  const entries = Object.entries((changes ?? {}) as Record<string, unknown>);
  /** An observable as the versions keep it: its type and value. */
  const observable = (item: unknown) => {
    const { type, value } = (item ?? {}) as { type?: ObservableType; value?: string };
    return type ? `${valueName(lang.value, type)} ${value ?? ''}` : shown(item);
  };
  const said = (field: string, change: unknown) => {
    if (change && typeof change === 'object' && 'to' in change) {
      const { from, to } = change as { from?: unknown; to?: unknown };
      const word = (value: unknown) =>
        field === 'status' && typeof value === 'string' && value in e.status
          ? e.status[value as keyof typeof e.status]
          : shown(value);
      return (
        <>
          <del>{word(from)}</del> → <ins>{word(to)}</ins>
        </>
      );
    }
    return Array.isArray(change) ? change.map(observable).join(', ') : observable(change);
  };
  return (
    <dl class="changes">
      {entries.map(([field, change]) => (
        <div key={field}>
          <dt>{names[field] ?? field}</dt>
          <dd>{said(field, change)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The refusal at a path or under it (a list's items). */
function problemAt(problems: Problems, prefix: string): string | undefined {
  const found = Object.entries(problems)
    .filter(([key]) => key === prefix || key.startsWith(`${prefix}.`))
    .map(([, message]) => message);
  return found.length > 0 ? found.join('; ') : undefined;
}

let fieldCount = 0;

/** A labelled control with its refusal under it, tied to it for screen readers. */
function Field(props: {
  label: string;
  problem?: string | undefined;
  children: (describedBy: string | undefined, id: string) => ComponentChildren;
}) {
  const [id] = useState(() => `field-${++fieldCount}`);
  return (
    <div class={props.problem ? 'field invalid' : 'field'}>
      <label for={id}>{props.label}</label>
      {props.children(props.problem ? `${id}-problem` : undefined, id)}
      {props.problem ? (
        <span class="problem" id={`${id}-problem`}>
          {props.problem}
        </span>
      ) : null}
    </div>
  );
}

function Choices(props: {
  legend: string;
  items: { id: string; name: string }[];
  chosen: string[];
  onChange: (chosen: string[]) => void;
}) {
  return (
    <fieldset class="choices">
      <legend>{props.legend}</legend>
      {props.items.map((item) => (
        <label key={item.id} class="check">
          <input
            type="checkbox"
            checked={props.chosen.includes(item.id)}
            onChange={(ev) =>
              props.onChange(
                (ev.target as HTMLInputElement).checked
                  ? [...props.chosen, item.id]
                  : props.chosen.filter((x) => x !== item.id),
              )
            }
          />
          {item.name}
        </label>
      ))}
    </fieldset>
  );
}

/** A value being typed: its type, and the server's normal form or the rule it breaks. */
function ObservableRow(props: {
  row: Pending;
  index: number;
  problem: string | undefined;
  onChange: (row: Pending) => void;
  onRemove: () => void;
}) {
  const e = t().editor;
  const { row } = props;
  // Asked once typing pauses, not at every key.
  const [asked, setAsked] = useState({ type: row.type, value: row.value.trim() });
  useEffect(() => {
    const timer = window.setTimeout(
      () => setAsked({ type: row.type, value: row.value.trim() }),
      300,
    );
    return () => window.clearTimeout(timer);
  }, [row.type, row.value]);
  const [check] = useQuery({
    query: CHECK,
    variables: { type: asked.type ?? 'DOMAIN', value: asked.value },
    pause: !asked.type || !asked.value,
  });
  const refusal = check.error?.graphQLErrors.map((x) => x.message).join('; ');
  const normal = check.data?.lookupObservable.normalisedValue;
  const stale = asked.type !== row.type || asked.value !== row.value.trim();
  const said = props.problem ?? (stale ? null : refusal);
  const ids = `observable-${row.key}`;
  return (
    <li class={said ? 'observable invalid' : 'observable'}>
      <label>
        <span class="visually-hidden">
          {e.type} {props.index + 1}
        </span>
        <select
          value={row.type ?? ''}
          onChange={(ev) =>
            props.onChange({
              ...row,
              type: ((ev.target as HTMLSelectElement).value || null) as ObservableType | null,
            })
          }
        >
          <option value="">{e.chooseType}</option>
          {OBSERVABLE_TYPES.map((type) => (
            <option key={type} value={type}>
              {valueName(lang.value, type)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="visually-hidden">
          {e.value} {props.index + 1}
        </span>
        <input
          type="text"
          value={row.value}
          aria-describedby={`${ids}-said`}
          aria-invalid={said ? true : undefined}
          onInput={(ev) => props.onChange({ ...row, value: (ev.target as HTMLInputElement).value })}
        />
      </label>
      <button type="button" class="link-button" onClick={props.onRemove}>
        {e.remove}
        <span class="visually-hidden"> {row.value}</span>
      </button>
      <span id={`${ids}-said`} class={said ? 'problem' : 'hint'}>
        {said
          ? said
          : stale || check.fetching
            ? row.type && row.value.trim()
              ? e.checking
              : ''
            : normal
              ? e.normalised(normal)
              : ''}
      </span>
    </li>
  );
}

/** Who will read the report, in words, from the marking and audience on the form. */
function readersSentence(
  form: Form,
  agencies: { id: string; name: string; regions: readonly Region[] }[],
  people: { id: string; displayName: string }[],
  mine: string,
  draft: boolean,
): string[] {
  const e = t().editor;
  const join = (items: string[]) =>
    new Intl.ListFormat(lang.value, { type: 'conjunction' }).format(items);
  const lines = draft ? [e.draftReaders(mine)] : [];
  if (form.tlp === 'RED') {
    const named = people.filter((p) => form.recipientIds.includes(p.id)).map((p) => p.displayName);
    lines.push(named.length > 0 ? e.readersRed(join(named)) : e.readersRedNobody);
    return lines;
  }
  if (form.scope === 'NETWORK') lines.push(e.readersNetwork(mine));
  else if (form.scope === 'REGIONS' && form.regions.length > 0) {
    const inRegions = agencies
      .filter((a) => a.name !== mine && a.regions.some((r) => form.regions.includes(r)))
      .map((a) => a.name);
    lines.push(
      e.readersRegions(
        mine,
        join(form.regions.map((r) => regionName(lang.value, r))),
        join(inRegions),
      ),
    );
  } else if (form.scope === 'AGENCIES' && form.agencyIds.length > 0) {
    const chosen = agencies.filter((a) => form.agencyIds.includes(a.id)).map((a) => a.name);
    lines.push(e.readersAgencies(mine, join(chosen)));
  } else lines.push(e.readersNobodyChosen(mine));
  lines.push(e.readersGranted);
  if (form.tlp === 'AMBER_STRICT') lines.push(e.readersStrict);
  return lines;
}
