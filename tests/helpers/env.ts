import { randomBytes } from 'crypto';

// Tests never read a developer's .env: every run gets its own random secrets and a quiet, offline Strapi.
const secret = () => randomBytes(24).toString('base64');
const defaults: Record<string, string> = {
  NODE_ENV: 'test',
  APP_KEYS: [secret(), secret()].join(','),
  API_TOKEN_SALT: secret(),
  ADMIN_JWT_SECRET: secret(),
  TRANSFER_TOKEN_SALT: secret(),
  JWT_SECRET: secret(),
  ENCRYPTION_KEY: secret(),
  STRAPI_TELEMETRY_DISABLED: 'true',
  DEMO_DATA: 'false',
};
for (const [key, value] of Object.entries(defaults)) {
  if (key === 'NODE_ENV' || key === 'DEMO_DATA' || !process.env[key]) process.env[key] = value;
}
