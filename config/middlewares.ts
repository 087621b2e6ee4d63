import type { Core } from '@strapi/strapi';

const config = ({ env }: Core.Config.Shared.ConfigParams): Core.Config.Middlewares => {
  // Media on an S3-compatible store must be allowed by the admin panel's content security policy.
  const mediaOrigins = env('S3_PUBLIC_URL') ? [new URL(env('S3_PUBLIC_URL')).origin] : [];
  return [
    'strapi::logger',
    // A refusal waits for the body it did not read, so the client gets the 4xx rather than a broken pipe.
    'global::drain-refused-body',
    'strapi::errors',
    {
      name: 'strapi::security',
      config: {
        contentSecurityPolicy: {
          useDefaults: true,
          directives: {
            'img-src': ["'self'", 'data:', 'blob:', ...mediaOrigins],
            'media-src': ["'self'", 'data:', 'blob:', ...mediaOrigins],
            upgradeInsecureRequests: null,
          },
        },
      },
    },
    // Comma-separated front-end origins in production, e.g. CORS_ORIGINS=https://xinyu.example.edu.cn
    { name: 'strapi::cors', config: { origin: env.array('CORS_ORIGINS', ['*']) } },
    'strapi::poweredBy',
    'strapi::query',
    // Multipart bodies are read by each route after authentication (src/shared/multipart.ts), never here.
    { name: 'strapi::body', config: { multipart: false, jsonLimit: '2mb', formLimit: '1mb', textLimit: '1mb' } },
    'global::request-shape',
    'strapi::session',
    // The favicon lives under public/ (the top level holds only config, src, database, public and tests).
    { name: 'strapi::favicon', config: { path: 'public/favicon.png' } },
    // Media used only by drafts (or by nothing) is not public: served to admin-panel users only.
    'global::published-uploads',
    'strapi::public',
  ];
};

export default config;
