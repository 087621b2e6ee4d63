#!/usr/bin/env node
'use strict';
// Prints a fresh set of Strapi's secrets as KEY=value lines, for a deployment's secret store or
// config/deploy/.env (the first-run .env of `npm run develop` is written by ensure-env.js instead).
const { freshSecrets } = require('./secrets');

for (const [key, value] of Object.entries(freshSecrets())) process.stdout.write(`${key}=${value}\n`);
