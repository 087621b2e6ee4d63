/** The file a multipart request carries in `field` (koa-body gives one file or an array), or undefined. */
export function uploadedFile(ctx: any, field: string): { filepath: string; size: number; originalFilename?: string; mimetype?: string } | undefined {
  const files = ctx.request?.files ?? {};
  const file = Array.isArray(files[field]) ? files[field][0] : files[field];
  return file?.filepath ? file : undefined;
}
