import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Plugin => ({
  // Activation codes and other account mail. With SMTP_HOST set: nodemailer over SMTP
  // (@strapi/provider-email-nodemailer). Without it (development, tests) the plugin is configured with
  // sendmail, which is always installed and sends nothing at start-up, and src/shared/email-outbox.ts replaces its
  // provider at bootstrap: every message is written as a JSON file into EMAIL_OUTBOX_DIR (default .tmp/outbox).
  email: {
    config: {
      provider: env('SMTP_HOST') ? 'nodemailer' : 'sendmail',
      providerOptions: env('SMTP_HOST')
        ? {
            host: env('SMTP_HOST'),
            port: env.int('SMTP_PORT', 587),
            secure: env.bool('SMTP_SECURE', false),
            ...(env('SMTP_USERNAME') && { auth: { user: env('SMTP_USERNAME'), pass: env('SMTP_PASSWORD') } }),
          }
        : {},
      settings: { defaultFrom: env('EMAIL_FROM', 'no-reply@xinyu.invalid'), defaultReplyTo: env('EMAIL_REPLY_TO', env('EMAIL_FROM', 'no-reply@xinyu.invalid')) },
    },
  },
  'users-permissions': {
    config: {
      jwtSecret: env('JWT_SECRET'),
      jwt: { expiresIn: env('JWT_EXPIRES_IN', '7d') },
      // Sign-in and password routes are limited by src/shared/rate-limits.ts (config/rate-limits.ts), which
      // replaces the plugin's in-process limiter so that several instances share one budget.
      register: { allowedFields: [] },
    },
  },
  upload: {
    config: {
      // Images, PDF and common video only; SVG (can carry scripts) and everything else is refused.
      sizeLimit: env.int('UPLOAD_MAX_BYTES', 200 * 1024 * 1024),
      security: {
        allowedTypes: ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'application/pdf', 'video/mp4', 'video/webm', 'video/quicktime'],
        deniedTypes: ['image/svg+xml', 'text/html', 'application/x-msdownload'],
      },
      // sharp renders these responsive widths for every image (plus a thumbnail).
      breakpoints: { large: 1600, medium: 1000, small: 600 },
      // Several instances need shared storage: UPLOAD_PROVIDER=aws-s3 uses any S3-compatible store
      // (needs @strapi/provider-upload-aws-s3 at the same version as @strapi/strapi; see README).
      ...(env('UPLOAD_PROVIDER', 'local') === 'aws-s3' && {
        provider: 'aws-s3',
        providerOptions: {
          baseUrl: env('S3_PUBLIC_URL'),
          s3Options: {
            endpoint: env('S3_ENDPOINT'),
            region: env('S3_REGION', 'us-east-1'),
            forcePathStyle: env.bool('S3_FORCE_PATH_STYLE', true),
            credentials: { accessKeyId: env('S3_ACCESS_KEY_ID'), secretAccessKey: env('S3_SECRET_ACCESS_KEY') },
            params: { Bucket: env('S3_BUCKET') },
          },
        },
      }),
    },
  },
});

export default config;
