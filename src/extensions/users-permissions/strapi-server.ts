import { withAuthCache } from '../../auth-cache';

export default (plugin: any) => {
  // Contact details stay out of every API response (login, /users/me, populated relations).
  const user = plugin.contentTypes.user.schema;
  user.attributes.email.private = true;
  user.info.displayName = '用户 User';

  // The plugin registers its content-API auth strategy in register(); it is wrapped with a short-lived cache.
  const register = plugin.register;
  plugin.register = async (args: { strapi: any }) => {
    const auth = args.strapi.get('auth');
    const original = auth.register;
    auth.register = (type: string, strategy: any) =>
      original.call(auth, type, type === 'content-api' && strategy?.name === 'users-permissions' ? withAuthCache(strategy) : strategy);
    try {
      await register(args);
    } finally {
      auth.register = original;
    }
  };
  return plugin;
};
