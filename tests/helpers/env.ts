// eslint-disable-next-line @typescript-eslint/no-require-imports
const { freshSecrets } = require('../../database/setup/secrets');

// Tests never read a developer's .env: every run gets its own random secrets and a quiet, offline Strapi.
const defaults: Record<string, string> = {
  NODE_ENV: 'test',
  ...freshSecrets(),
  STRAPI_TELEMETRY_DISABLED: 'true',
  DEMO_DATA: 'false',
};
for (const [key, value] of Object.entries(defaults)) {
  if (key === 'NODE_ENV' || key === 'DEMO_DATA' || !process.env[key]) process.env[key] = value;
}
