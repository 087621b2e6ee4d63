import { withStampedTokens, wrapContentApiStrategies } from '../../platform/sign-in-cache';

export default (plugin: any) => {
  // Contact details stay out of every API response (login, /users/me, populated relations).
  const user = plugin.contentTypes.user.schema;
  user.attributes.email.private = true;
  user.info.displayName = '用户 User';
  // Tokens signed before this stamp (ms) are refused: moved by a password, block, role or position change
  // (src/auth-cache/revocation.ts). Never shown, never writable from outside.
  user.attributes.tokensValidAfter = { type: 'biginteger', private: true, configurable: false, searchable: false, visible: false };
  // Every JWT carries the millisecond stamp it is compared with.
  plugin.services.jwt = withStampedTokens(plugin.services.jwt);

  // Extensions load before plugins register, so the sign-in strategy is wrapped with its cache as it is registered.
  wrapContentApiStrategies((globalThis as any).strapi.get('auth'));
  return plugin;
};
