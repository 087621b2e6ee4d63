// Contact details stay out of every API response (login, /users/me, populated relations).
export default (plugin: any) => {
  const user = plugin.contentTypes.user.schema;
  user.attributes.email.private = true;
  user.info.displayName = '用户 User';
  return plugin;
};
