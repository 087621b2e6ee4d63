/**
 * Which way imports may run in src/ (src/README.md): shared ← platform ← {content, library, training} ← Strapi's
 * places (api, policies, middlewares, extensions, index.ts). No cycles; no domain imports another domain.
 */
const DOMAINS = ['content', 'library', 'training'];
const others = (domain) => DOMAINS.filter((d) => d !== domain).join('|');
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'Import cycles make load order and ownership unclear.', from: { path: '^src/' }, to: { circular: true } },
    { name: 'shared-is-infrastructure', severity: 'error', comment: 'src/shared knows no domain and no Strapi API.', from: { path: '^src/shared/' }, to: { path: '^src/(platform|content|library|training|api|policies|middlewares|extensions)/' } },
    { name: 'platform-below-domains', severity: 'error', comment: 'src/platform (accounts, roles, the actor, reference data) uses only src/shared.', from: { path: '^src/platform/' }, to: { path: '^src/(content|library|training|api|policies|middlewares|extensions)/' } },
    ...DOMAINS.map((domain) => ({
      name: `${domain}-stays-in-its-domain`,
      severity: 'error',
      comment: `src/${domain} reaches other domains only through src/platform and src/shared.`,
      from: { path: `^src/${domain}/` },
      to: { path: `^src/(${others(domain)}|api|policies|middlewares|extensions)/` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules|types)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
