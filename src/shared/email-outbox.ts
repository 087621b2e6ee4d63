import { randomBytes } from 'crypto';
import type { Core } from '@strapi/strapi';
import fs from 'fs';
import path from 'path';

/**
 * Email provider for development and tests, used when SMTP_HOST is unset: every message is written as one
 * JSON file into the outbox directory (EMAIL_OUTBOX_DIR, default .tmp/outbox) instead of being sent. send()
 * answers { queued: true, file } so callers can tell a local outbox from a real delivery.
 */
interface OutboxOptions { dir?: string }
interface OutboxSettings { defaultFrom?: string; defaultReplyTo?: string }
interface Message { to: string; from?: string; replyTo?: string; cc?: string; bcc?: string; subject: string; text?: string; html?: string; [key: string]: unknown }

export function init(providerOptions: OutboxOptions = {}, settings: OutboxSettings = {}) {
  const dir = path.resolve(providerOptions.dir || path.join(process.cwd(), '.tmp', 'outbox'));
  return {
    async send(options: Message) {
      if (!options?.to) throw new Error('An email needs a recipient ("to")');
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      const createdAt = new Date();
      const file = path.join(dir, `${createdAt.toISOString().replace(/[:.]/g, '-')}-${randomBytes(6).toString('hex')}.json`);
      const message = {
        from: options.from ?? settings.defaultFrom ?? null,
        replyTo: options.replyTo ?? settings.defaultReplyTo ?? null,
        to: options.to,
        cc: options.cc ?? null,
        bcc: options.bcc ?? null,
        subject: options.subject,
        text: options.text ?? null,
        html: options.html ?? null,
        createdAt: createdAt.toISOString(),
      };
      // Written under a temporary name and renamed, so a reader never sees half a message; readable by the owner only.
      fs.writeFileSync(`${file}.part`, `${JSON.stringify(message, null, 2)}\n`, { mode: 0o600 });
      fs.renameSync(`${file}.part`, file);
      return { queued: true, file };
    },
  };
}

/**
 * Without SMTP_HOST the email plugin starts with sendmail (config/plugins.ts) and its provider is replaced
 * here, after the plugin's bootstrap: the outbox is not a package, and Strapi would load a provider given by
 * path only from a lower-case path. In production a missing SMTP_HOST is worth a warning.
 */
export function useLocalOutboxWithoutSmtp(strapi: Core.Strapi) {
  if (process.env.SMTP_HOST) return;
  const settings = strapi.config.get('plugin::email.settings', {}) as OutboxSettings;
  strapi.plugin('email').provider = init({ dir: process.env.EMAIL_OUTBOX_DIR }, settings);
  if (process.env.NODE_ENV === 'production') {
    strapi.log.warn('Email goes to the local outbox (no SMTP_HOST): activation codes are written to disk, not sent. Configure SMTP (README, Email).');
  }
}
