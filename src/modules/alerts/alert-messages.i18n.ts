import type { AlertKind } from '../../generated/prisma/enums.js';
import { type Locale, writtenLocale } from '../i18n/locale.js';
import { fillTemplate, templateLanguages } from '../i18n/templates.js';

// One sentence per alert kind, in the reader's language: {title} is the alert's own title (the
// report's, operation's or event's, as written), {agency} the name of the agency it comes from.

type Summaries = Record<AlertKind, string>;

const en: Summaries = {
  INTEL_PUBLISHED: 'New intelligence from {agency}: {title}',
  INTEL_UPDATED: 'Intelligence updated by {agency}: {title}',
  INTEL_RETRACTED: 'Intelligence retracted by {agency}: {title}',
  CORRELATION_FOUND: 'Shared observables link this report to your intelligence: {title}',
  MATCH_FOUND: 'Another agency holds intelligence matching your report: {title}',
  ACCESS_REQUESTED: 'An agency asks to read your report: {title}',
  ACCESS_DECIDED: 'Your request to read a report was answered: {title}',
  SIGHTING_REPORTED: 'Another agency reports a sighting of: {title}',
  OPERATION_INVITATION: 'Your agency is invited to a joint operation: {title}',
  OPERATION_PHASE_CHANGED: 'A joint operation moved on: {title}',
  TASK_ASSIGNED: 'A task was assigned to you in {title}',
  OPERATION_MESSAGE: 'New message in {title}',
  REGISTRATION_CONFIRMED: 'Your seat is confirmed: {title}',
  REGISTRATION_PROMOTED: 'A seat opened for you: {title}',
  REGISTRATION_DECLINED: 'Your registration was declined: {title}',
  EVENT_CHANGED: 'An event you registered for changed: {title}',
  EVENT_CANCELLED: 'An event you registered for was cancelled: {title}',
  BROADCAST: 'Network notice: {title}',
  SECOND_FACTOR_RESET:
    'Your second factor was removed by {title}; set up a new authenticator on your Account page or at your next sign-in.',
};

const zhHans: Summaries = {
  INTEL_PUBLISHED: '{agency}发布新情报：{title}',
  INTEL_UPDATED: '{agency}更新了情报：{title}',
  INTEL_RETRACTED: '{agency}撤回了情报：{title}',
  CORRELATION_FOUND: '共同的可观察项将此报告与贵单位的情报关联：{title}',
  MATCH_FOUND: '另一机构持有与贵单位报告相符的情报：{title}',
  ACCESS_REQUESTED: '有机构申请查阅贵单位的报告：{title}',
  ACCESS_DECIDED: '贵单位的查阅申请已有答复：{title}',
  SIGHTING_REPORTED: '其他机构报告发现：{title}',
  OPERATION_INVITATION: '贵单位受邀参加联合行动：{title}',
  OPERATION_PHASE_CHANGED: '联合行动进入新阶段：{title}',
  TASK_ASSIGNED: '{title}中有任务分配给您',
  OPERATION_MESSAGE: '{title}有新消息',
  REGISTRATION_CONFIRMED: '您的席位已确认：{title}',
  REGISTRATION_PROMOTED: '候补转正，您已获得席位：{title}',
  REGISTRATION_DECLINED: '您的报名未获批准：{title}',
  EVENT_CHANGED: '您报名的活动有变更：{title}',
  EVENT_CANCELLED: '您报名的活动已取消：{title}',
  BROADCAST: '网络通知：{title}',
  SECOND_FACTOR_RESET: '{title}移除了您的第二重验证；请在“账户”页面或下次登录时重新设置验证器。',
};

const LANGUAGES = templateLanguages(en, zhHans);

export function alertSummary(
  kind: AlertKind,
  locale: Locale,
  facts: { title: string; agency: string },
): string {
  return fillTemplate(LANGUAGES[writtenLocale(locale)][kind], facts);
}
