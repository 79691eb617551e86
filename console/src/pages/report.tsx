import { useQuery } from '@urql/preact';
import { useEffect, useState } from 'preact/hooks';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, localeEnum, t } from '../i18n.ts';
import { categoryName, valueName } from '../labels.ts';
import { LoadFailed, Loading } from '../read.tsx';
import { dateTime, day } from '../time.ts';
import { Tlp } from '../tlp.tsx';

// One report: its content, observables, the reports that share them, sightings, and the STIX
// export when it may leave. A TLP:RED report addressed to the reader opens only with a stated
// purpose, which the server logs with the reading.

const REPORT = graphql(`
  query ConsoleReport($id: ID!, $purpose: String, $locale: Locale) {
    intelReport(id: $id, purpose: $purpose) {
      id title summary tlp pap status category brands publishedAt mayExport language
      authorAgency { name(locale: $locale) }
      audience { scope }
      grading { code description }
      observables { id type value }
      correlations { report { id title tlp } sharedObservables { type value } }
      sightingCounts { total truePositive falsePositive }
      sightings { id type seenAt country quantity agency { name(locale: $locale) } }
    }
  }
`);
type Report = NonNullable<ResultOf<typeof REPORT>['intelReport']>;

export function ReportPage({ id, askPurpose }: { id: string; askPurpose: boolean }) {
  const words = t();
  const [purpose, setPurpose] = useState('');
  const [stated, setStated] = useState<string | null>(askPurpose ? null : '');
  // A TLP:RED reading is logged with its purpose each time: it is never served from the cache.
  const [result, reexecute] = useQuery({
    query: REPORT,
    variables: { id, purpose: stated || null, locale: localeEnum() },
    pause: stated === null,
    requestPolicy: askPurpose ? 'network-only' : 'cache-and-network',
  });
  const report: Report | null | undefined =
    result.data == null ? undefined : (result.data.intelReport ?? null);
  // A refusal the server explains (a purpose too short) is said where the purpose is asked.
  const refusal = result.error?.graphQLErrors[0]?.message ?? null;
  useEffect(() => {
    if (report?.title) document.title = t().pageTitle(report.title);
  }, [report?.title]);

  if (stated === null) {
    return (
      <section class="panel" aria-labelledby="purpose-title">
        <h1 id="purpose-title">
          <Tlp tlp="RED" /> {words.redOpen}
        </h1>
        <form
          onSubmit={(event) => {
            event.preventDefault();
            setStated(purpose.trim());
          }}
        >
          <label>
            {words.purpose}
            <input
              type="text"
              value={purpose}
              onInput={(e) => setPurpose((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit">{words.open}</button>
        </form>
        <p>
          <a href="#intelligence">{words.back}</a>
        </p>
      </section>
    );
  }
  if (result.error && !refusal) {
    return (
      <LoadFailed
        error={result.error}
        onRetry={() => reexecute({ requestPolicy: 'network-only' })}
      />
    );
  }
  if (report === undefined && !refusal) return <Loading />;
  if (!report) {
    return (
      <section class="panel" aria-labelledby="report-missing-title">
        <h1 id="report-missing-title">{words.intelligence}</h1>
        <p role="alert">{refusal ?? words.notFound}</p>
        {askPurpose ? (
          <button type="button" onClick={() => setStated(null)}>
            {words.redOpen}
          </button>
        ) : null}
        <p>
          <a href="#intelligence">{words.back}</a>
        </p>
      </section>
    );
  }
  return (
    <article class="report" aria-labelledby="report-title" lang={report.language}>
      <p>
        <a href="#intelligence">{words.back}</a>
      </p>
      <span class="meta">
        <Tlp tlp={report.tlp} />
        <span>PAP:{report.pap}</span>
        <span>{report.authorAgency.name}</span>
        <span>{categoryName(lang.value, report.category)}</span>
        <span>{report.publishedAt ? dateTime(report.publishedAt) : words.draft}</span>
      </span>
      <h1 id="report-title">{report.title}</h1>
      {report.audience ? (
        <p>
          <a class="action-link" href={`#report/${encodeURIComponent(report.id)}/edit`}>
            {words.editor.edit}
          </a>
        </p>
      ) : null}
      <p>{report.summary}</p>
      <dl>
        <dt>{words.grading}</dt>
        <dd>
          {report.grading.code}: {report.grading.description}
        </dd>
        {report.brands.length > 0 ? (
          <>
            <dt>{words.brands}</dt>
            <dd>{report.brands.join(', ')}</dd>
          </>
        ) : null}
      </dl>
      <section>
        <h2>{words.observables}</h2>
        <ul>
          {report.observables.map((o) => (
            <li key={o.id}>
              <span class="kind">{valueName(lang.value, o.type)}</span> {o.value}
            </li>
          ))}
        </ul>
      </section>
      {report.correlations.length > 0 ? (
        <section>
          <h2>{words.correlations}</h2>
          <ul>
            {report.correlations.map((c) => (
              <li key={c.report.id}>
                <Tlp tlp={c.report.tlp} />{' '}
                <a href={`#report/${encodeURIComponent(c.report.id)}`}>{c.report.title}</a> (
                {c.sharedObservables.map((o) => o.value).join(', ')})
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <section>
        <h2>
          {words.sightings} ({report.sightingCounts.total})
        </h2>
        <ul>
          {report.sightings.map((s) => (
            <li key={s.id}>
              {day(s.seenAt)} · {s.agency.name} · {valueName(lang.value, s.type)}
              {s.quantity ? ` · ${s.quantity}` : ''}
              {s.country ? ` · ${s.country}` : ''}
            </li>
          ))}
        </ul>
      </section>
      <p>
        {report.mayExport ? (
          <a href={`/stix/reports/${encodeURIComponent(report.id)}`} download="">
            {words.stix}
          </a>
        ) : (
          <span class="note">{words.noExport}</span>
        )}
      </p>
    </article>
  );
}
