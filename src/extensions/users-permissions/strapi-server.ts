import { wrapContentApiStrategies } from '../../auth-cache';

export default (plugin: any) => {
  // Contact details stay out of every API response (login, /users/me, populated relations).
  const user = plugin.contentTypes.user.schema;
  user.attributes.email.private = true;
  user.info.displayName = '用户 User';

  // Extensions load before plugins register, so the sign-in strategy is wrapped with its cache as it is registered.
  wrapContentApiStrategies((globalThis as any).strapi.get('auth'));
  return plugin;
};
