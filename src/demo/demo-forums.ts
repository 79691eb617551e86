import { prisma } from '../db.js';
import { viewerForUser } from '../modules/auth/viewer.js';
import { checkIn } from '../modules/forums/check-in.service.js';
import {
  addSession,
  createForumEvent,
  type EventFields,
  publishForumEvent,
} from '../modules/forums/forum-event.service.js';
import {
  inviteToEvent,
  nominateDelegates,
  registerForEvent,
} from '../modules/forums/registration.service.js';

// Demo forums, written through the same services as the API: the upcoming Guangzhou
// International IP Forum (sessions, quotas, delegations, guests, a waiting list) run by
// Guangzhou market regulation, and a past workshop on counterfeit cosmetics with check-ins.

export const DEMO_FORUM_NAMES = [
  'Guangzhou International IP Forum 2027',
  'Workshop: Identifying Counterfeit Cosmetics',
];

const DAY = 86_400_000;
const at = (days: number, hour = 9) => {
  const date = new Date(Date.now() + days * DAY);
  date.setUTCHours(hour - 8, 0, 0, 0); // hour in China Standard Time (UTC+8)
  return date;
};
const viewer = (email: string) => viewerForUser({ email });
const userId = async (email: string) =>
  (await prisma.user.findUniqueOrThrow({ where: { email }, select: { id: true } })).id;

const guests = [
  {
    name: '林嘉欣',
    email: 'lam.ka-yan@example.org',
    organisation: 'HKU Faculty of Law',
    country: 'HK',
  },
  {
    name: 'Sophie Martin',
    email: 'sophie.martin@example.org',
    organisation: 'INTA',
    country: 'FR',
  },
  {
    name: '周子豪',
    email: 'zhou.zihao@example.org',
    organisation: 'Zhongshan University',
    country: 'CN',
  },
  {
    name: 'Rahul Menon',
    email: 'rahul.menon@example.org',
    organisation: 'Menon & Lee LLP',
    country: 'SG',
  },
  {
    name: 'Ana Costa',
    email: 'ana.costa@example.org',
    organisation: 'Universidade de Macau',
    country: 'MO',
  },
  {
    name: 'Kenji Watanabe',
    email: 'kenji.watanabe@example.org',
    organisation: 'Brand Protection Group',
    country: 'JP',
  },
];

function forumFields(): EventFields {
  return {
    kind: 'FORUM',
    nameEn: 'Guangzhou International IP Forum 2027',
    nameZhHans: '2027广州国际知识产权论坛',
    nameZhHant: '2027廣州國際知識產權論壇',
    namePt: 'Fórum Internacional de PI de Cantão 2027',
    descriptionEn:
      'Two days on cross-border enforcement of intellectual property in the Greater Bay Area and with Belt and Road partners: customs border measures, e-commerce platforms, and joint operations.',
    descriptionZhHans:
      '为期两天，聚焦粤港澳大湾区及“一带一路”伙伴间的知识产权跨境执法：海关边境措施、电子商务平台与联合行动。',
    descriptionZhHant:
      '為期兩天，聚焦粵港澳大灣區及「一帶一路」夥伴間的知識產權跨境執法：海關邊境措施、電子商務平台與聯合行動。',
    descriptionPt: null,
    venue: 'Guangzhou International Convention Centre, Pazhou',
    onlineUrl: null,
    startsAt: at(45),
    endsAt: at(46, 18),
    timeZone: 'Asia/Shanghai',
    registrationOpensAt: new Date(Date.now() - 7 * DAY),
    registrationClosesAt: at(40, 18),
    visibility: 'PUBLIC',
    capacity: 14,
    agencyQuota: 2,
    waitingList: true,
    requiresApproval: false,
    requiresAgencyApproval: false,
  };
}

export async function seedDemoForums(): Promise<number> {
  if ((await prisma.forumEvent.count({ where: { nameEn: { in: DEMO_FORUM_NAMES } } })) > 0) {
    return 0;
  }
  const organizer = await viewer('organizer@gz-amr.demo');

  // ── The forum: upcoming, full, with a waiting list ──
  const forum = await createForumEvent(organizer, forumFields(), []);
  const session = (
    titleEn: string,
    zhHans: string,
    zhHant: string,
    day: number,
    hour: number,
    room: string,
    capacity: number | null,
  ) =>
    addSession(organizer, forum.id, {
      titleEn,
      titleZhHans: zhHans,
      titleZhHant: zhHant,
      titlePt: null,
      startsAt: at(day, hour),
      endsAt: at(day, hour + 2),
      room,
      capacity,
    });
  const plenary = await session(
    'Opening plenary',
    '开幕全体会议',
    '開幕全體會議',
    45,
    9,
    'Hall A',
    null,
  );
  const ecommerce = await session(
    'E-commerce platforms and takedowns',
    '电商平台与下架处置',
    '電商平台與下架處置',
    45,
    14,
    'Room 3.2',
    8,
  );
  await session('Customs border measures', '海关边境措施', '海關邊境措施', 46, 9, 'Room 3.4', 8);
  await publishForumEvent(organizer, forum.id);

  await inviteToEvent(organizer, {
    eventId: forum.id,
    invitees: [{ userId: await userId('coordinator@hk-ipd.demo'), guest: null }],
    type: 'SPEAKER',
    sessionIds: [plenary.id],
    message: 'We would be glad to hear Hong Kong’s experience on the opening panel.',
  });
  for (const slug of ['hk-customs', 'mo-customs', 'sz-customs', 'my-customs']) {
    await nominateDelegates(await viewer(`agency-admin@${slug}.demo`), {
      eventId: forum.id,
      userIds: [await userId(`analyst@${slug}.demo`), await userId(`coordinator@${slug}.demo`)],
      type: 'DELEGATE',
      sessionIds: [plenary.id, ecommerce.id],
      idempotencyKey: `demo-forum-${slug}`,
    });
  }
  for (const [index, guest] of guests.entries()) {
    await registerForEvent(
      null,
      {
        eventId: forum.id,
        type: index === 3 ? 'PRESS' : 'OBSERVER',
        sessionIds: [plenary.id],
        listConsent: index % 2 === 0,
        locale: guest.country === 'CN' ? 'zh-Hans' : guest.country === 'HK' ? 'zh-Hant' : 'en',
        guest,
        idempotencyKey: `demo-forum-guest-${index}`,
      },
      'en',
      // Seeding is not a guest: a demo seeded again (the bench seeds one database after another)
      // must not spend the per-address limit strangers are held to.
      { byOperator: true },
    );
  }
  await registerForEvent(
    await viewer('viewer@sg-ipos.demo'),
    {
      eventId: forum.id,
      type: 'DELEGATE',
      sessionIds: [],
      listConsent: true,
      locale: null,
      guest: null,
      idempotencyKey: 'demo-forum-sg-ipos',
    },
    'en',
  );

  // ── The workshop: registered for while it was ahead, now held, with check-ins ──
  const workshop = await createForumEvent(
    organizer,
    {
      ...forumFields(),
      kind: 'WORKSHOP',
      nameEn: 'Workshop: Identifying Counterfeit Cosmetics',
      nameZhHans: '研讨班：假冒化妆品识别',
      nameZhHant: '研討班：假冒化妝品識別',
      namePt: null,
      descriptionEn: 'Hands-on training for customs and market regulation officers.',
      descriptionZhHans: '面向海关和市场监管执法人员的实操培训。',
      descriptionZhHant: '面向海關和市場監管執法人員的實操培訓。',
      venue: 'Guangzhou AMR Training Centre',
      startsAt: at(2),
      endsAt: at(2, 17),
      registrationClosesAt: at(1),
      visibility: 'NETWORK',
      capacity: 20,
      agencyQuota: null,
    },
    [],
  );
  await publishForumEvent(organizer, workshop.id);
  const attendees = [];
  for (const slug of ['gz-customs', 'sz-amr', 'hk-customs', 'mo-dset']) {
    const [registration] = await nominateDelegates(await viewer(`agency-admin@${slug}.demo`), {
      eventId: workshop.id,
      userIds: [await userId(`analyst@${slug}.demo`)],
      type: 'DELEGATE',
      sessionIds: [],
      idempotencyKey: `demo-workshop-${slug}`,
    });
    if (registration) attendees.push(registration);
  }
  // The workshop took place three weeks ago. People were checked in on its day (check-in is
  // open on the event's day only), then its dates are moved back directly, as they were.
  await prisma.forumEvent.update({
    where: { id: workshop.id },
    data: { startsAt: new Date(Date.now() - 3_600_000), endsAt: new Date(Date.now() + 3_600_000) },
  });
  for (const registration of attendees.slice(0, 3)) {
    await checkIn(organizer, registration.checkInCode, []);
  }
  await prisma.forumEvent.update({
    where: { id: workshop.id },
    data: {
      startsAt: at(-21),
      endsAt: at(-21, 17),
      registrationOpensAt: at(-40),
      registrationClosesAt: at(-22),
      status: 'CLOSED',
    },
  });
  await prisma.forumRegistration.updateMany({
    where: { eventId: workshop.id, status: 'CHECKED_IN' },
    data: { checkedInAt: at(-21, 8) },
  });
  return 2;
}
