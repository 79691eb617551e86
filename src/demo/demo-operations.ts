import { prisma } from '../db.js';
import { viewerForUser } from '../modules/auth/viewer.js';
import {
  advanceOperationPhase,
  inviteAgencies,
  proposeOperation,
  respondToInvitation,
} from '../modules/operations/operation.service.js';
import type { ResultInput } from '../modules/operations/operation.validation.js';
import {
  createTask,
  linkIntelReport,
  postOperationMessage,
  recordResult,
  updateTask,
} from '../modules/operations/operation-work.service.js';

// Demo operations, written through the same services as the API: THUNDER BAY 2026, a closed
// week of action on counterfeit batteries and cosmetics by Guangzhou, Shenzhen, Hong Kong and
// Macao customs, with its results; and PEARL SHIELD, in preparation, with invitations pending.

const viewer = (email: string) => viewerForUser({ email });
const agencyId = async (slug: string) =>
  (await prisma.agency.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000);
const day = (n: number) => new Date(daysAgo(n).toISOString().slice(0, 10));

function seizure(
  productCategory: ResultInput['productCategory'],
  quantity: string,
  unit: ResultInput['unit'],
  detectionPoint: ResultInput['detectionPoint'],
  amount: string,
  currency: string,
  description: string,
): ResultInput {
  return {
    kind: 'SEIZURE',
    count: 1,
    productCategory,
    quantity,
    unit,
    detectionPoint,
    marketValue: { amount, currency, valuationDate: day(20) },
    description,
    occurredOn: day(24),
  };
}

function counted(
  kind: ResultInput['kind'],
  count: number,
  description: string | null = null,
): ResultInput {
  return { kind, count, description, occurredOn: day(24) };
}

export const DEMO_OPERATION_CODE_NAMES = ['THUNDER BAY 2026', 'PEARL SHIELD'];

export async function seedDemoOperations(): Promise<number> {
  if (
    (await prisma.operation.count({ where: { codeName: { in: DEMO_OPERATION_CODE_NAMES } } })) > 0
  )
    return 0;
  const gz = await viewer('coordinator@gz-customs.demo');
  const sz = await viewer('coordinator@sz-customs.demo');
  const hk = await viewer('coordinator@hk-customs.demo');
  const mo = await viewer('coordinator@mo-customs.demo');

  // ── THUNDER BAY 2026: closed, with results ──
  const thunder = await proposeOperation(gz, {
    codeName: 'THUNDER BAY 2026',
    title: 'Counterfeit batteries and cosmetics in cross-boundary courier flows',
    objective:
      'Detect and seize counterfeit lithium batteries and cosmetics moving through courier hubs and land crossings between Guangzhou, Shenzhen, Hong Kong and Macao; identify the online sellers behind them.',
    legalBasis:
      'Customs cooperation arrangements between the Mainland, Hong Kong and Macao; each agency acts under its own law.',
    targetCountries: ['CN-GD', 'HK', 'MO'],
    targetRegions: ['GREATER_BAY_AREA'],
    plannedStart: daysAgo(28),
    plannedEnd: daysAgo(21),
    timeZone: 'Asia/Shanghai',
    tlp: 'AMBER',
  });
  await inviteAgencies(
    gz,
    thunder.id,
    await Promise.all(
      ['sz-customs', 'hk-customs', 'mo-customs'].map(async (slug) => ({
        agencyId: await agencyId(slug),
        role: 'PARTICIPANT' as const,
        message: 'One week of joint action on courier flows; briefing in Guangzhou.',
      })),
    ),
  );
  await respondToInvitation(sz, thunder.id, { answer: 'ACCEPT', conditions: null, reason: null });
  await respondToInvitation(hk, thunder.id, { answer: 'ACCEPT', conditions: null, reason: null });
  await respondToInvitation(mo, thunder.id, {
    answer: 'ACCEPT_WITH_CONDITIONS',
    conditions: 'Macao Customs acts at Portas do Cerco and the Macao courier hubs only.',
    reason: null,
  });
  await advanceOperationPhase(gz, thunder.id, 'PREPARATION', 'All partners confirmed.');
  const profiling = await createTask(gz, thunder.id, {
    title: 'Profile courier parcels declared as toys or chargers',
    description: 'Share risk indicators for parcels from Shenzhen to Hong Kong.',
    assigneeAgencyId: await agencyId('hk-customs'),
    dueAt: daysAgo(29),
  });
  const sellers = await createTask(gz, thunder.id, {
    title: 'Identify online sellers of the VoltMax power banks',
    description: null,
    assigneeAgencyId: await agencyId('sz-customs'),
    dueAt: daysAgo(22),
  });
  const hkReport = await prisma.intelReport.findFirst({
    where: { authorUser: { email: 'analyst@hk-customs.demo' }, status: 'PUBLISHED', tlp: 'GREEN' },
    select: { id: true },
  });
  if (hkReport) await linkIntelReport(hk, thunder.id, hkReport.id, 'Same courier route.');
  await advanceOperationPhase(gz, thunder.id, 'ACTION', null);
  await postOperationMessage(mo, thunder.id, 'Macao teams in place at Portas do Cerco from 08:00.');
  await updateTask(hk, profiling.id, {
    status: 'DONE',
    outcome: '412 parcels flagged; indicators shared with Shenzhen and Macao.',
  });
  await updateTask(sz, sellers.id, {
    status: 'DONE',
    outcome: 'Three marketplace shops identified and referred to market regulation.',
  });
  const results: [typeof gz, ResultInput][] = [
    [
      gz,
      seizure(
        'BATTERIES',
        '18400',
        'PIECE',
        'COURIER_HUB',
        '1380000',
        'CNY',
        'Power banks bearing VoltMax marks, Baiyun courier hub.',
      ),
    ],
    [gz, counted('ARREST', 6)],
    [gz, counted('CRIMINAL_CASE_OPENED', 2)],
    [
      sz,
      seizure(
        'COSMETICS',
        '2350',
        'KILOGRAM',
        'LAND_CROSSING',
        '940000',
        'CNY',
        'Lipsticks and creams, Huanggang crossing.',
      ),
    ],
    [sz, counted('TAKEDOWN', 27, 'Marketplace listings removed.')],
    [
      hk,
      seizure(
        'BATTERIES',
        '9600',
        'PIECE',
        'COURIER_HUB',
        '1150000',
        'HKD',
        'Air courier parcels at the airport courier centre.',
      ),
    ],
    [
      hk,
      seizure(
        'COSMETICS',
        '4100',
        'PIECE',
        'CONTAINER_TERMINAL',
        '820000',
        'HKD',
        'Kwai Chung container terminal.',
      ),
    ],
    [hk, counted('ARREST', 3)],
    [hk, counted('REFERRED_TO_PROSECUTION', 2)],
    [
      mo,
      seizure('COSMETICS', '640', 'PIECE', 'LAND_CROSSING', '210000', 'MOP', 'Portas do Cerco.'),
    ],
    [mo, counted('ADMINISTRATIVE_CASE_OPENED', 4)],
    [gz, counted('REFERRED_TO_COURT', 1)],
  ];
  for (const [actor, result] of results) await recordResult(actor, thunder.id, result);
  await advanceOperationPhase(gz, thunder.id, 'EVALUATION', 'Action week over.');
  await advanceOperationPhase(gz, thunder.id, 'CLOSED', 'After-action report approved.');

  // ── PEARL SHIELD: in preparation, invitations pending ──
  const pearl = await proposeOperation(hk, {
    codeName: 'PEARL SHIELD',
    title: 'Counterfeit auto parts on the Belt and Road sea routes',
    objective:
      'Trace counterfeit brake pads and filters shipped from the Pearl River Delta to Malaysia and Singapore.',
    legalBasis: null,
    targetCountries: ['HK', 'MY', 'SG'],
    targetRegions: ['GREATER_BAY_AREA', 'BELT_AND_ROAD'],
    plannedStart: daysAgo(-21),
    plannedEnd: daysAgo(-35),
    timeZone: 'Asia/Hong_Kong',
    tlp: 'AMBER_STRICT',
  });
  await inviteAgencies(hk, pearl.id, [
    { agencyId: await agencyId('mo-customs'), role: 'PARTICIPANT', message: null },
    {
      agencyId: await agencyId('my-customs'),
      role: 'PARTICIPANT',
      message: 'Port Klang container checks during the action week.',
    },
    { agencyId: await agencyId('sg-ipos'), role: 'OBSERVER', message: null },
  ]);
  await respondToInvitation(mo, pearl.id, { answer: 'ACCEPT', conditions: null, reason: null });
  await advanceOperationPhase(hk, pearl.id, 'PREPARATION', 'Waiting for Malaysia and Singapore.');
  return 2;
}
