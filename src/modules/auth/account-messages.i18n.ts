import { matchLocale, type WrittenLocale, writtenLocale } from '../i18n/locale.js';
import { fillTemplate, templateLanguages } from '../i18n/templates.js';

// The words of messages about an account, in English and Simplified Chinese (Traditional
// converted, Portuguese reads English), as the forum messages are.

interface Template {
  subject: string;
  body: string;
}

const en: { PASSWORD_RESET: Template } = {
  PASSWORD_RESET: {
    subject: 'Reset your GBA IPNet password',
    body: 'Dear {name},\n\nSomeone, we hope you, asked to reset the password of your GBA IPNet account ({email}). Open this link within {minutes} minutes to choose a new one; it works once:\n\n{link}\n\nEvery session of the account ends when the password is reset. If you did not ask for this, do nothing: your password stays as it is.',
  },
};

const zhHans: typeof en = {
  PASSWORD_RESET: {
    subject: '重置您的 GBA IPNet 密码',
    body: '{name}，您好：\n\n有人（希望是您本人）申请重置您的 GBA IPNet 账户（{email}）的密码。请在 {minutes} 分钟内打开以下链接设置新密码，链接仅可使用一次：\n\n{link}\n\n密码重置后，该账户的所有会话都将结束。如非本人操作，请忽略本邮件，您的密码不会改变。',
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
