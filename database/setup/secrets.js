'use strict';
// Strapi's secrets and how to make each one: used by the first-run .env writer, the tests and the benchmark.
const crypto = require('crypto');

const secret = () => crypto.randomBytes(32).toString('base64');

const SECRETS = {
  APP_KEYS: () => [secret(), secret(), secret(), secret()].join(','),
  API_TOKEN_SALT: secret,
  ADMIN_JWT_SECRET: secret,
  TRANSFER_TOKEN_SALT: secret,
  JWT_SECRET: secret,
  ENCRYPTION_KEY: secret,
};

/** A fresh random value for every secret. */
const freshSecrets = () => Object.fromEntries(Object.entries(SECRETS).map(([key, make]) => [key, make()]));

module.exports = { SECRETS, freshSecrets };
