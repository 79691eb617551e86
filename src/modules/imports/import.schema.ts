import { builder } from '../../builder.js';
import { signedInViewer } from '../../context.js';
import { ConflictError } from '../../errors.js';
import type { AudienceScope, ObservableType, Tlp } from '../../generated/prisma/enums.js';
import { visibleReport } from '../intel/intel.access.js';
import { AudienceScopeEnum, ObservableTypeEnum, TlpEnum } from '../intel/intel.schema.js';
import {
  type ImportedReport,
  type ImportOutcome,
  importOptions,
  runImport,
} from './import.service.js';
import { checkImportDocument } from './import-document.js';
import type { PlannedObservable, Refusal } from './import-plan.js';
import { planMispEvent } from './misp-import.js';
import { planStixBundle } from './stix-import.js';

// Importing a STIX 2.1 bundle or a MISP event. `dryRun` is the default: the answer says what
// would be written, what is refused and why, and what correlates, and writes nothing; with
// `dryRun: false` the new reports are written, as drafts of your agency, in one transaction.

const ImportStatusEnum = builder.enumType('ImportStatus', {
  values: {
    NEW: { description: 'Would be written by a confirmed import.' },
    CREATED: { description: 'Written now, as a draft of your agency.' },
    ALREADY_IMPORTED: { description: 'Written by an earlier import: nothing is changed.' },
  },
});

const ImportedObservable = builder.objectRef<PlannedObservable>('ImportedObservable').implement({
  fields: (t) => ({
    type: t.field({ type: ObservableTypeEnum, resolve: (o) => o.type as ObservableType }),
    normalisedValue: t.exposeString('value'),
    sourceId: t.exposeString('sourceId', {
      nullable: true,
      description: 'The STIX object or MISP attribute it came from.',
    }),
  }),
});

const ImportRefusal = builder.objectRef<Refusal>('ImportRefusal').implement({
  description: 'An object that is not imported, and why.',
  fields: (t) => ({
    sourceId: t.exposeString('sourceId', { nullable: true }),
    sourceType: t.exposeString('sourceType', {
      description: 'The STIX type, or attribute / event.',
    }),
    reason: t.exposeString('reason'),
  }),
});

const ImportedReportRef = builder.objectRef<ImportedReport>('ImportedReport').implement({
  description: 'A report the import brings, or brought.',
  fields: (t) => ({
    sourceId: t.exposeString('sourceId', { description: 'Its STIX id, or the MISP event uuid.' }),
    status: t.field({ type: ImportStatusEnum, resolve: (r) => r.status }),
    title: t.exposeString('title'),
    tlp: t.field({ type: TlpEnum, resolve: (r) => r.tlp as Tlp }),
    audienceScope: t.field({
      type: AudienceScopeEnum,
      description:
        'Taken from the marking (STIX) or the distribution (MISP); change it before publishing.',
      resolve: (r) => r.audienceScope as AudienceScope,
    }),
    observables: t.field({ type: [ImportedObservable], resolve: (r) => r.observables }),
    markedByDefault: t.stringList({
      description:
        'When the report (STIX report or bundle, MISP event) carries no TLP marking and took defaultTlp: its id, then those of the objects (attributes) it brings that carry none either. Empty when the document marks it.',
      resolve: (r) => r.markedByDefault,
    }),
    report: t.prismaField({
      type: 'IntelReport',
      nullable: true,
      description: 'The draft written, now or by an earlier import.',
      resolve: (query, r, _args, context) =>
        r.reportId ? visibleReport(context, r.reportId, query) : null,
    }),
    correlatedReports: t.prismaField({
      type: ['IntelReport'],
      description: 'Reports you may see that share one of its observables (20 at most).',
      resolve: async (query, r, _args, context) => {
        const found = await Promise.all(
          r.correlatedReportIds.map((id) => visibleReport(context, id, query)),
        );
        return found.filter((report) => report !== null);
      },
    }),
  }),
});

const ImportOutcomeRef = builder.objectRef<ImportOutcome>('ImportOutcome').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written.' }),
    defaultTlp: t.field({
      type: TlpEnum,
      nullable: true,
      description: 'The marking chosen for what the document leaves unmarked, if any.',
      resolve: (o) => o.defaultTlp,
    }),
    reports: t.field({ type: [ImportedReportRef], resolve: (o) => o.reports }),
    refused: t.field({ type: [ImportRefusal], resolve: (o) => o.refused }),
  }),
});

for (const [name, format, unmarked, plan] of [
  [
    'importStixBundle',
    'a STIX 2.1 bundle',
    'a report, or a bundle without reports, that carries no TLP marking',
    planStixBundle,
  ],
  [
    'importMispEvent',
    'a MISP event (MISP JSON: {"Event": ...}, the event itself, or {"response": [...]} of several)',
    'an event without a tlp:* tag',
    planMispEvent,
  ],
] as const) {
  builder.mutationField(name, (t) =>
    t.field({
      type: ImportOutcomeRef,
      authScopes: { role: 'ANALYST' },
      description: `Imports ${format}. A dry run unless dryRun is false; re-importing the same objects changes nothing.`,
      errors: { types: [ConflictError], dataField: { name: 'outcome' } },
      args: {
        document: t.arg({ type: 'JSON', description: `The document: ${format}.` }),
        dryRun: t.arg.boolean({ defaultValue: true }),
        defaultTlp: t.arg({
          type: TlpEnum,
          required: false,
          description: `The marking of ${unmarked}; never RED, never above what you may write. A report still takes the strictest marking of what it carries, so the default never lowers one.`,
        }),
      },
      resolve: async (_parent, args, context) => {
        const viewer = signedInViewer(context);
        const options = importOptions(viewer, args.defaultTlp);
        checkImportDocument(args.document);
        const planned = await plan(viewer, args.document, options);
        return runImport(viewer, planned, { dryRun: args.dryRun ?? true, ...options });
      },
    }),
  );
}
