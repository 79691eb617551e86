import { matchLocale, type WrittenLocale, writtenLocale } from '../i18n/locale.js';
import { fillTemplate, templateLanguages } from '../i18n/templates.js';

// The words of messages about an account, in English and Simplified Chinese (Traditional
// converted, Portuguese reads English), as the forum messages are.

interface Template {
  subject: string;
  body: string;
}

const en: { PASSWORD_RESET: Template; SECOND_FACTOR_RESET: Template } = {
  PASSWORD_RESET: {
    subject: 'Reset your GBA IPNet password',
    body: 'Dear {name},\n\nSomeone, we hope you, asked to reset the password of your GBA IPNet account ({email}). Open this link within {minutes} minutes to choose a new one; it works once:\n\n{link}\n\nEvery session of the account ends when the password is reset. If you did not ask for this, do nothing: your password stays as it is.',
  },
  SECOND_FACTOR_RESET: {
    subject: 'Your GBA IPNet second factor was removed',
    body: "Dear {name},\n\n{admin}, an administrator of your agency, removed the authenticator and recovery codes of your GBA IPNet account ({email}). Signing in now asks for your password only, until you set up a new authenticator (on your Account page, or at your next sign-in if your agency or the network requires one).\n\nIf you did not ask for this, tell your agency's administrators and the network administrators at once.",
  },
};

const zhHans: typeof en = {
  PASSWORD_RESET: {
    subject: '重置您的 GBA IPNet 密码',
    body: '{name}，您好：\n\n有人（希望是您本人）申请重置您的 GBA IPNet 账户（{email}）的密码。请在 {minutes} 分钟内打开以下链接设置新密码，链接仅可使用一次：\n\n{link}\n\n密码重置后，该账户的所有会话都将结束。如非本人操作，请忽略本邮件，您的密码不会改变。',
  },
  SECOND_FACTOR_RESET: {
    subject: '您的 GBA IPNet 第二重验证已被移除',
    body: '{name}，您好：\n\n贵单位管理员 {admin} 移除了您的 GBA IPNet 账户（{email}）的验证器和恢复码。在您设置新的验证器之前（在“账户”页面，或在贵单位或网络要求时于下次登录时设置），登录只需密码。\n\n如非您本人要求，请立即告知贵单位管理员和网络管理员。',
  },
};

const LANGUAGES: Readonly<Record<WrittenLocale, typeof en>> = templateLanguages(en, zhHans);

export function renderAccountMessage(
  kind: keyof typeof en,
  locale: string | null,
  values: Record<string, string>,
): { subject: string; text: string } {
  const template = LANGUAGES[writtenLocale(matchLocale(locale ?? 'en') ?? 'en')][kind];
  return {
    subject: fillTemplate(template.subject, values),
    text: fillTemplate(template.body, values),
  };
}
