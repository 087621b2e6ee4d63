#!/usr/bin/env node
// Strapi's OpenAPI generator stamps `publishedAt` defaults with the current time; drop them so the
// committed public/openapi.json only changes when the API does.
'use strict';

const fs = require('fs');

function stabilizeOpenApi(node) {
  if (Array.isArray(node)) return node.map(stabilizeOpenApi);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'publishedAt' && value && typeof value === 'object' && 'default' in value) {
      const { default: _volatile, ...rest } = value;
      out[key] = stabilizeOpenApi(rest);
    } else {
      out[key] = stabilizeOpenApi(value);
    }
  }
  return out;
}

module.exports = { stabilizeOpenApi };

if (require.main === module) {
  const file = process.argv[2];
  const document = JSON.parse(fs.readFileSync(file, 'utf8'));
  fs.writeFileSync(file, `${JSON.stringify(stabilizeOpenApi(document), null, 2)}\n`);
}
