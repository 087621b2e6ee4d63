import type { Core } from '@strapi/strapi';
import { withStampedTokens, wrapContentApiStrategies } from '../../platform/sign-in-cache';
import type { TokenSigner } from '../../platform/token-revocation';

/**
 * The parts of the users-permissions plugin changed here, as an extension sees them: before the plugin
 * registers, its services are still factories (Strapi's `Core.Plugin` types them as built services).
 */
interface UsersPermissionsPlugin {
  contentTypes: { user: { schema: { info: { displayName: string }; attributes: Record<string, Record<string, unknown>> } } };
  services: { jwt: (deps: { strapi: Core.Strapi }) => TokenSigner };
}

export default (plugin: UsersPermissionsPlugin) => {
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
  wrapContentApiStrategies(globalThis.strapi.get('auth'));
  return plugin;
};
