import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';

const USER_UID = 'plugin::users-permissions.user';

/** What happened to an activation code: sent by mail, written to the local outbox, no address, or the mail failed. */
export type Delivery = 'sent' | 'queued' | 'no_email' | 'failed';

/** Accounts provisioned without an email address get a placeholder in this reserved domain (RFC 2606). */
export const NO_EMAIL_DOMAIN = 'accounts.invalid';
export const placeholderEmail = (username: string) => `${username}@${NO_EMAIL_DOMAIN}`;
export const hasRealEmail = (email: string | null | undefined) => !!email && !email.toLowerCase().endsWith('.invalid');

export const newActivationCode = () => randomBytes(24).toString('hex');

/**
 * Sends a one-time activation code to the account holder only, through Strapi's email plugin (SMTP in
 * production, the local outbox in development and tests). The code never goes back to the caller: the
 * answer is a delivery status.
 */
export async function sendActivationCode(
  strapi: Core.Strapi,
  account: { username: string; email: string | null | undefined; name?: string | null },
  code: string
): Promise<Delivery> {
  if (!hasRealEmail(account.email)) return 'no_email';
  const link = process.env.ACTIVATION_URL ? `${process.env.ACTIVATION_URL}${process.env.ACTIVATION_URL.includes('?') ? '&' : '?'}code=${code}` : null;
  const text = [
    `${account.name ?? account.username} 老师：`,
    '',
    `您在心育资源平台的账号已开通，用户名：${account.username}`,
    `一次性激活码：${code}`,
    link ? `请打开 ${link} 设置密码以激活账号。` : '请在平台“激活账号”页面输入激活码并设置密码（POST /api/auth/reset-password，参数 code、password、passwordConfirmation）。',
    '激活码只能使用一次；请勿转发。如非本人操作，请忽略本邮件。',
    '',
    `Your account "${account.username}" on the 心育资源平台 has been created. One-time activation code: ${code}`,
    'Set your password with it (POST /api/auth/reset-password with code, password and passwordConfirmation). Do not forward this message.',
  ].join('\n');
  try {
    const result = (await strapi.plugin('email').service('email').send({ to: account.email, subject: '心育资源平台账号激活 Account activation', text })) as { queued?: boolean } | undefined;
    return result?.queued ? 'queued' : 'sent';
  } catch (error) {
    strapi.log.error(`Activation email for ${account.username} failed: ${(error as Error)?.message}`);
    return 'failed';
  }
}

/**
 * A new one-time code for a provisioned account that has not set a password yet (the previous code stops
 * working), sent to the account holder. Accounts without an email keep no usable code.
 */
export async function reissueActivation(strapi: Core.Strapi, userId: number, name?: string | null): Promise<{ delivery: Delivery; activated: boolean }> {
  const user = await strapi.db.query(USER_UID).findOne({ where: { id: userId }, select: ['id', 'username', 'email', 'password'] });
  if (!user) return { delivery: 'no_email', activated: false };
  if (user.password) return { delivery: 'no_email', activated: true };
  if (!hasRealEmail(user.email)) {
    await strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { resetPasswordToken: null } });
    return { delivery: 'no_email', activated: false };
  }
  const code = newActivationCode();
  await strapi.db.query(USER_UID).update({ where: { id: user.id }, data: { resetPasswordToken: code } });
  return { delivery: await sendActivationCode(strapi, { username: user.username, email: user.email, name }, code), activated: false };
}
