#!/usr/bin/env node
// First-run setup for `npm run develop`: writes a git-ignored .env with fresh random secrets.
// Existing values are never changed; only missing keys are appended, so it is safe to run every time.
'use strict';

const fs = require('fs');
const path = require('path');
const { SECRETS } = require('./secrets');

const envFile = path.join(__dirname, '..', '..', '.env');

const wanted = {
  HOST: () => '0.0.0.0',
  PORT: () => '1337',
  ...SECRETS,
  STRAPI_TELEMETRY_DISABLED: () => 'true',
};

const existing = fs.existsSync(envFile) ? fs.readFileSync(envFile, 'utf8') : '';
const present = new Set(
  existing
    .split(/\r?\n/)
    .map((line) => line.match(/^\s*([A-Z0-9_]+)\s*=/))
    .filter(Boolean)
    .map((match) => match[1])
);
const missing = Object.keys(wanted).filter((key) => !present.has(key) && !process.env[key]);

if (missing.length > 0) {
  const lines = missing.map((key) => `${key}=${wanted[key]()}`);
  const prefix = existing === '' ? '# Generated on first run; never commit this file.\n' : existing.endsWith('\n') ? '' : '\n';
  fs.writeFileSync(envFile, existing + prefix + lines.join('\n') + '\n', { mode: 0o600 });
  console.log(`.env: generated ${missing.join(', ')}`);
}
