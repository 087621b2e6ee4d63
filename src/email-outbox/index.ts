import { randomBytes } from 'crypto';
import fs from 'fs';
import path from 'path';

/**
 * Email provider for development and tests (config/plugins.ts uses it when SMTP_HOST is unset): every
 * message is written as one JSON file into the outbox directory (EMAIL_OUTBOX_DIR, default .tmp/outbox)
 * instead of being sent. Strapi's email plugin loads it by absolute path and calls init(); send() answers
 * { queued: true, file } so callers can tell a local outbox from a real delivery.
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
