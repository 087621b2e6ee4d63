import type { Core } from '@strapi/strapi';
import { callerProfile } from '../../../platform/actor';
import { renderCertificatePdf } from '../../../training/certificate-pdf';

const CERT_UID = 'api::certificate.certificate';

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(CERT_UID as any) as any;
  const output = (data: unknown) => strapi.contentAPI.sanitize.output(data, strapi.getModel(CERT_UID as any));
  const verifyUrl = (code: string) => `${strapi.config.get('server.url') || 'http://localhost:1337'}/api/certificates/verify/${code}`;
  return {
    /** POST /certificates { data: { teacher, tier, schoolYear } } — 409 with details.missing when not eligible. */
    async create(ctx) {
      const certificate = await service().issue(ctx.state.user, (ctx.request.body as any)?.data ?? {});
      ctx.status = 201;
      ctx.body = { data: await output(certificate) };
    },

    async findOne(ctx) {
      const certificate = await service().readable(await callerProfile(strapi, ctx), ctx.params.id);
      if (!certificate) return ctx.notFound('Certificate not found');
      ctx.body = { data: await output(certificate) };
    },

    async revoke(ctx) {
      const certificate = await service().revoke(ctx.state.user, ctx.params.id, (ctx.request.body as any)?.data?.reason);
      ctx.body = { data: await output(certificate) };
    },

    /** GET /certificates/:id/pdf — for the holder and coordinators. */
    async pdf(ctx) {
      const certificate = await service().readable(await callerProfile(strapi, ctx), ctx.params.id);
      if (!certificate) return ctx.notFound('Certificate not found');
      const pdf = await renderCertificatePdf(certificate, verifyUrl(certificate.verificationCode));
      ctx.set('Content-Type', 'application/pdf');
      ctx.set('Content-Disposition', `attachment; filename="${certificate.serialNumber}.pdf"`);
      ctx.body = pdf;
    },

    /** GET /certificates/verify/:code — public. */
    async verify(ctx) {
      const result = await service().verify(String(ctx.params.code).toUpperCase());
      if (!result) return ctx.notFound('No certificate has this verification code');
      ctx.body = { data: result };
    },
  };
};
