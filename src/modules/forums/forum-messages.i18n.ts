import type { ForumMessageKind } from '../../generated/prisma/enums.js';
import { isLocale, type Locale } from '../i18n/locale.js';

// The words of messages to registrants, in English, Simplified and Traditional Chinese.
// Portuguese falls back to English (as for the after-action report).

export interface MessageFacts {
  name: string;
  eventName: string;
  /** The event's dates, formatted in its time zone and the recipient's language. */
  when: string;
  where: string;
  checkInCode: string | null;
  reason: string | null;
  invitation: string | null;
}

type Text = (facts: MessageFacts) => string;
interface Template {
  subject: Text;
  body: Text;
}
type Language = 'en' | 'zh-Hans' | 'zh-Hant';

const code = (f: MessageFacts, label: string) =>
  f.checkInCode ? `\n\n${label}: ${f.checkInCode}` : '';
const reason = (f: MessageFacts, label: string) => (f.reason ? `\n\n${label}: ${f.reason}` : '');

const TEMPLATES: Record<Language, Record<ForumMessageKind, Template>> = {
  en: {
    REGISTRATION_RECEIVED: {
      subject: (f) => `Registration received: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nWe have received your registration for ${f.eventName} (${f.when}, ${f.where}). It awaits approval; we will write again once it is decided.`,
    },
    REGISTRATION_CONFIRMED: {
      subject: (f) => `Registration confirmed: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nYour place at ${f.eventName} is confirmed.\n\nWhen: ${f.when}\nWhere: ${f.where}${code(f, 'Your check-in code')}`,
    },
    REGISTRATION_WAITLISTED: {
      subject: (f) => `On the waiting list: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\n${f.eventName} is full for now, and your registration is on the waiting list. When a seat frees, it goes to the next in line and we will write to you.`,
    },
    REGISTRATION_PROMOTED: {
      subject: (f) => `A seat is yours: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nA seat has become free at ${f.eventName} and it is yours: your registration is now confirmed.\n\nWhen: ${f.when}\nWhere: ${f.where}${code(f, 'Your check-in code')}`,
    },
    REGISTRATION_DECLINED: {
      subject: (f) => `Registration declined: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nWe are sorry: your registration for ${f.eventName} was not approved.${reason(f, 'Reason')}`,
    },
    REGISTRATION_CANCELLED: {
      subject: (f) => `Registration cancelled: ${f.eventName}`,
      body: (f) => `Dear ${f.name},\n\nYour registration for ${f.eventName} is cancelled.`,
    },
    INVITED: {
      subject: (f) => `Invitation: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nYou are invited to ${f.eventName} (${f.when}, ${f.where}).${f.invitation ? `\n\n${f.invitation}` : ''}\n\nA separate message confirms your place.`,
    },
    EVENT_CHANGED: {
      subject: (f) => `Changed: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\n${f.eventName} has changed. It now takes place:\n\nWhen: ${f.when}\nWhere: ${f.where}`,
    },
    EVENT_CANCELLED: {
      subject: (f) => `Cancelled: ${f.eventName}`,
      body: (f) =>
        `Dear ${f.name},\n\nWe are sorry: ${f.eventName} is cancelled, and so is your registration.${reason(f, 'Reason')}`,
    },
  },
  'zh-Hans': {
    REGISTRATION_RECEIVED: {
      subject: (f) => `已收到报名：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n我们已收到您对${f.eventName}（${f.when}，${f.where}）的报名，正在等待审批，结果确定后将再通知您。`,
    },
    REGISTRATION_CONFIRMED: {
      subject: (f) => `报名已确认：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n您在${f.eventName}的席位已确认。\n\n时间：${f.when}\n地点：${f.where}${code(f, '签到码')}`,
    },
    REGISTRATION_WAITLISTED: {
      subject: (f) => `已列入候补名单：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}目前已满，您的报名已列入候补名单。有席位空出时将按顺序递补，届时我们会通知您。`,
    },
    REGISTRATION_PROMOTED: {
      subject: (f) => `候补成功：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}有席位空出，已由您递补，您的报名现已确认。\n\n时间：${f.when}\n地点：${f.where}${code(f, '签到码')}`,
    },
    REGISTRATION_DECLINED: {
      subject: (f) => `报名未获批准：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n很抱歉，您对${f.eventName}的报名未获批准。${reason(f, '原因')}`,
    },
    REGISTRATION_CANCELLED: {
      subject: (f) => `报名已取消：${f.eventName}`,
      body: (f) => `${f.name}，您好：\n\n您对${f.eventName}的报名已取消。`,
    },
    INVITED: {
      subject: (f) => `邀请函：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n诚邀您出席${f.eventName}（${f.when}，${f.where}）。${f.invitation ? `\n\n${f.invitation}` : ''}\n\n席位确认将另行通知。`,
    },
    EVENT_CHANGED: {
      subject: (f) => `活动变更：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}有所变更，现安排如下：\n\n时间：${f.when}\n地点：${f.where}`,
    },
    EVENT_CANCELLED: {
      subject: (f) => `活动取消：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n很抱歉，${f.eventName}已取消，您的报名亦随之取消。${reason(f, '原因')}`,
    },
  },
  'zh-Hant': {
    REGISTRATION_RECEIVED: {
      subject: (f) => `已收到報名：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n我們已收到您對${f.eventName}（${f.when}，${f.where}）的報名，正在等待審批，結果確定後將再通知您。`,
    },
    REGISTRATION_CONFIRMED: {
      subject: (f) => `報名已確認：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n您在${f.eventName}的席位已確認。\n\n時間：${f.when}\n地點：${f.where}${code(f, '簽到碼')}`,
    },
    REGISTRATION_WAITLISTED: {
      subject: (f) => `已列入候補名單：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}目前已滿，您的報名已列入候補名單。有席位空出時將按順序遞補，屆時我們會通知您。`,
    },
    REGISTRATION_PROMOTED: {
      subject: (f) => `候補成功：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}有席位空出，已由您遞補，您的報名現已確認。\n\n時間：${f.when}\n地點：${f.where}${code(f, '簽到碼')}`,
    },
    REGISTRATION_DECLINED: {
      subject: (f) => `報名未獲批准：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n很抱歉，您對${f.eventName}的報名未獲批准。${reason(f, '原因')}`,
    },
    REGISTRATION_CANCELLED: {
      subject: (f) => `報名已取消：${f.eventName}`,
      body: (f) => `${f.name}，您好：\n\n您對${f.eventName}的報名已取消。`,
    },
    INVITED: {
      subject: (f) => `邀請函：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n誠邀您出席${f.eventName}（${f.when}，${f.where}）。${f.invitation ? `\n\n${f.invitation}` : ''}\n\n席位確認將另行通知。`,
    },
    EVENT_CHANGED: {
      subject: (f) => `活動變更：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n${f.eventName}有所變更，現安排如下：\n\n時間：${f.when}\n地點：${f.where}`,
    },
    EVENT_CANCELLED: {
      subject: (f) => `活動取消：${f.eventName}`,
      body: (f) =>
        `${f.name}，您好：\n\n很抱歉，${f.eventName}已取消，您的報名亦隨之取消。${reason(f, '原因')}`,
    },
  },
};

/** The language a message is written in: the recipient's, Portuguese and unknown as English. */
export function messageLanguage(locale: string): Language {
  if (!isLocale(locale)) return 'en';
  const chosen: Locale = locale;
  return chosen === 'pt' ? 'en' : chosen;
}

export function renderMessage(
  kind: ForumMessageKind,
  locale: string,
  facts: MessageFacts,
): { subject: string; text: string } {
  const template = TEMPLATES[messageLanguage(locale)][kind];
  return { subject: template.subject(facts), text: template.body(facts) };
}
