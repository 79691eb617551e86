import type { ForumMessageKind } from '../../generated/prisma/enums.js';
import { matchLocale, type WrittenLocale, writtenLocale } from '../i18n/locale.js';
import { fillTemplate, templateLanguages } from '../i18n/templates.js';

// The words of messages to registrants, in English and Simplified Chinese; Traditional Chinese
// is converted from the Simplified templates (OpenCC, Hong Kong standard) before the facts are
// filled in, so names and reasons are never converted. Portuguese reads English.
//
// Placeholders: {name} {event} {when} {where}; {code}, {reason} and {invitation} expand to a
// labelled paragraph when there is something to say, else to nothing.

export interface MessageFacts {
  name: string;
  eventName: string;
  /** The event's dates, formatted in its time zone and the recipient's language. */
  when: string;
  where: string;
  checkInCode: string | null;
  /** A guest's code to open or cancel the registration before it is confirmed. */
  guestCode: string | null;
  reason: string | null;
  invitation: string | null;
  /** The code a guest confirms the address with (EMAIL_CONFIRMATION). */
  confirmationCode: string | null;
  /** How long the place is held for confirmation. */
  minutes: number;
}

interface Language {
  labels: { code: string; guestCode: string; reason: string };
  templates: Record<ForumMessageKind, { subject: string; body: string }>;
}

const en: Language = {
  labels: {
    code: 'Your check-in code',
    guestCode: 'Your registration code (to see or cancel your registration)',
    reason: 'Reason',
  },
  templates: {
    EMAIL_CONFIRMATION: {
      subject: 'Confirm your e-mail address: {event}',
      body: 'Dear {name},\n\nSomeone, we hope you, registered this address for {event} ({when}, {where}). Your place is held for {minutes} minutes: confirm the address with the code below to keep it. If this was not you, do nothing and the registration lapses.\n\nConfirmation code: {confirmationCode}',
    },
    REGISTRATION_RECEIVED: {
      subject: 'Registration received: {event}',
      body: 'Dear {name},\n\nWe have received your registration for {event} ({when}, {where}). It awaits approval; we will write again once it is decided.{guestCode}',
    },
    REGISTRATION_CONFIRMED: {
      subject: 'Registration confirmed: {event}',
      body: 'Dear {name},\n\nYour place at {event} is confirmed.\n\nWhen: {when}\nWhere: {where}{code}',
    },
    REGISTRATION_WAITLISTED: {
      subject: 'On the waiting list: {event}',
      body: 'Dear {name},\n\n{event} is full for now, and your registration is on the waiting list. When a seat frees, it goes to the next in line and we will write to you.{guestCode}',
    },
    REGISTRATION_PROMOTED: {
      subject: 'A seat is yours: {event}',
      body: 'Dear {name},\n\nA seat has become free at {event} and it is yours: your registration is now confirmed.\n\nWhen: {when}\nWhere: {where}{code}',
    },
    REGISTRATION_DECLINED: {
      subject: 'Registration declined: {event}',
      body: 'Dear {name},\n\nWe are sorry: your registration for {event} was not approved.{reason}',
    },
    REGISTRATION_CANCELLED: {
      subject: 'Registration cancelled: {event}',
      body: 'Dear {name},\n\nYour registration for {event} is cancelled.',
    },
    INVITED: {
      subject: 'Invitation: {event}',
      body: 'Dear {name},\n\nYou are invited to {event} ({when}, {where}).{invitation}\n\nA separate message confirms your place.',
    },
    EVENT_CHANGED: {
      subject: 'Changed: {event}',
      body: 'Dear {name},\n\n{event} has changed. It now takes place:\n\nWhen: {when}\nWhere: {where}',
    },
    EVENT_CANCELLED: {
      subject: 'Cancelled: {event}',
      body: 'Dear {name},\n\nWe are sorry: {event} is cancelled, and so is your registration.{reason}',
    },
  },
};

const zhHans: Language = {
  labels: { code: '签到码', guestCode: '报名码（用于查看或取消报名）', reason: '原因' },
  templates: {
    EMAIL_CONFIRMATION: {
      subject: '请确认您的电子邮件地址：{event}',
      body: '{name}，您好：\n\n有人（希望是您本人）使用此地址报名了{event}（{when}，{where}）。您的席位将保留{minutes}分钟：请使用下方确认码确认地址以保留席位。如非本人操作，请忽略本邮件，报名将自动失效。\n\n确认码：{confirmationCode}',
    },
    REGISTRATION_RECEIVED: {
      subject: '已收到报名：{event}',
      body: '{name}，您好：\n\n我们已收到您对{event}（{when}，{where}）的报名，正在等待审批，结果确定后将再通知您。{guestCode}',
    },
    REGISTRATION_CONFIRMED: {
      subject: '报名已确认：{event}',
      body: '{name}，您好：\n\n您在{event}的席位已确认。\n\n时间：{when}\n地点：{where}{code}',
    },
    REGISTRATION_WAITLISTED: {
      subject: '已列入候补名单：{event}',
      body: '{name}，您好：\n\n{event}目前已满，您的报名已列入候补名单。有席位空出时将按顺序递补，届时我们会通知您。{guestCode}',
    },
    REGISTRATION_PROMOTED: {
      subject: '候补成功：{event}',
      body: '{name}，您好：\n\n{event}有席位空出，已由您递补，您的报名现已确认。\n\n时间：{when}\n地点：{where}{code}',
    },
    REGISTRATION_DECLINED: {
      subject: '报名未获批准：{event}',
      body: '{name}，您好：\n\n很抱歉，您对{event}的报名未获批准。{reason}',
    },
    REGISTRATION_CANCELLED: {
      subject: '报名已取消：{event}',
      body: '{name}，您好：\n\n您对{event}的报名已取消。',
    },
    INVITED: {
      subject: '邀请函：{event}',
      body: '{name}，您好：\n\n诚邀您出席{event}（{when}，{where}）。{invitation}\n\n席位确认将另行通知。',
    },
    EVENT_CHANGED: {
      subject: '活动变更：{event}',
      body: '{name}，您好：\n\n{event}有所变更，现安排如下：\n\n时间：{when}\n地点：{where}',
    },
    EVENT_CANCELLED: {
      subject: '活动取消：{event}',
      body: '{name}，您好：\n\n很抱歉，{event}已取消，您的报名亦随之取消。{reason}',
    },
  },
};

const LANGUAGES: Readonly<Record<WrittenLocale, Language>> = templateLanguages(en, zhHans);

function fill(template: string, facts: MessageFacts, labels: Language['labels']): string {
  const paragraph = (value: string | null, label?: string) =>
    value ? `\n\n${label ? `${label}: ` : ''}${value}` : '';
  const values: Record<string, string> = {
    name: facts.name,
    event: facts.eventName,
    when: facts.when,
    where: facts.where,
    code: paragraph(facts.checkInCode, labels.code),
    guestCode: paragraph(facts.guestCode, labels.guestCode),
    reason: paragraph(facts.reason, labels.reason),
    invitation: paragraph(facts.invitation),
    confirmationCode: facts.confirmationCode ?? '',
    minutes: String(facts.minutes),
  };
  return fillTemplate(template, values);
}

/** The message in the recipient's language (a stored BCP 47 tag; unknown ones read English). */
export function renderMessage(
  kind: ForumMessageKind,
  locale: string,
  facts: MessageFacts,
): { subject: string; text: string } {
  const language = LANGUAGES[writtenLocale(matchLocale(locale) ?? 'en')];
  const template = language.templates[kind];
  return {
    subject: fill(template.subject, facts, language.labels),
    text: fill(template.body, facts, language.labels),
  };
}
