import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { graphql, type ResultOf } from '../graphql.ts';
import { lang, t } from '../i18n.ts';
import { categoryName, valueName } from '../labels.ts';
import { Tlp } from '../tlp.tsx';

// One report: its content, observables, the reports that share them, sightings, and the STIX
// export when it may leave. A TLP:RED report addressed to the reader opens only with a stated
// purpose, which the server logs with the reading.

const REPORT = graphql(`
  query ConsoleReport($id: ID!, $purpose: String) {
    intelReport(id: $id, purpose: $purpose) {
      id title summary tlp pap status category brands publishedAt mayExport language
      authorAgency { name }
      grading { code description }
      observables { id type value }
      correlations { report { id title tlp } sharedObservables { type value } }
      sightingCounts { total truePositive falsePositive }
      sightings { id type seenAt country quantity agency { name } }
    }
  }
`);
type Report = NonNullable<ResultOf<typeof REPORT>['intelReport']>;

export function ReportPage({ id, askPurpose }: { id: string; askPurpose: boolean }) {
  const words = t();
  const [purpose, setPurpose] = useState('');
  const [stated, setStated] = useState<string | null>(askPurpose ? null : '');
  const [report, setReport] = useState<Report | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    if (stated === null) return;
    let cancelled = false;
    void api
      .query(REPORT, { id, purpose: stated || null })
      .toPromise()
      .then((result) => {
        if (cancelled) return;
        const message = result.error?.graphQLErrors[0]?.message;
        if (message) setProblem(message);
        setReport(result.data?.intelReport ?? null);
      });
    return () => {
      cancelled = true;
    };
  }, [id, stated]);

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
  if (report === undefined) return null;
  if (report === null) {
    return (
      <section class="panel">
        <p role="alert">{problem ?? words.notFound}</p>
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
        <span>
          {report.publishedAt
            ? new Date(report.publishedAt).toLocaleString(lang.value)
            : words.draft}
        </span>
      </span>
      <h1 id="report-title">{report.title}</h1>
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
              {new Date(s.seenAt).toLocaleDateString(lang.value)} · {s.agency.name} ·{' '}
              {valueName(lang.value, s.type)}
              {s.quantity ? ` · ${s.quantity}` : ''}
              {s.country ? ` · ${s.country}` : ''}
            </li>
          ))}
        </ul>
      </section>
      <p>
        {report.mayExport ? (
          <a href={`/stix/reports/${encodeURIComponent(report.id)}`} download>
            {words.stix}
          </a>
        ) : (
          <span class="note">{words.noExport}</span>
        )}
      </p>
    </article>
  );
}
