import type { Core } from '@strapi/strapi';
import type { Context } from 'koa';
import { readRequest } from '../../../platform/request';
import { certificateVerifyUrl, renderCertificatePdf } from '../../../training/certificate-pdf';
import type certificateService from '../services/certificate';

const CERT_UID = 'api::certificate.certificate';
type CertificateService = ReturnType<typeof certificateService>;

export default ({ strapi }: { strapi: Core.Strapi }) => {
  const service = () => strapi.service(CERT_UID) as CertificateService;
  const output = (data: unknown) => strapi.contentAPI.sanitize.output(data, strapi.getModel(CERT_UID));
  const verifyUrl = (code: string) => certificateVerifyUrl(strapi.config.get('server.url'), code);
  return {
    /** POST /certificates { data: { teacher, tier, schoolYear } } — 409 with details.missing when not eligible. */
    async create(ctx: Context) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CERT_UID, { data: 'declared' });
      const certificate = await service().issue(actor, data);
      ctx.status = 201;
      ctx.body = { data: await output(certificate) };
    },

    async findOne(ctx: Context) {
      const { actor } = await readRequest(strapi, {}, ctx, CERT_UID);
      const certificate = await service().readable(actor, ctx.params.id);
      if (!certificate) return ctx.notFound('Certificate not found');
      ctx.body = { data: await output(certificate) };
    },

    async revoke(ctx: Context) {
      const { actor, data } = await readRequest(strapi, {}, ctx, CERT_UID, { data: 'declared' });
      const certificate = await service().revoke(actor, ctx.params.id, data.reason);
      ctx.body = { data: await output(certificate) };
    },

    /** GET /certificates/:id/pdf — for the holder and coordinators. */
    async pdf(ctx: Context) {
      const { actor } = await readRequest(strapi, {}, ctx, CERT_UID);
      const certificate = await service().readable(actor, ctx.params.id);
      if (!certificate) return ctx.notFound('Certificate not found');
      const pdf = await renderCertificatePdf(certificate, verifyUrl(certificate.verificationCode));
      ctx.set('Content-Type', 'application/pdf');
      ctx.set('Content-Disposition', `attachment; filename="${certificate.serialNumber}.pdf"`);
      ctx.body = pdf;
    },

    /** GET /certificates/verify/:code — public. */
    async verify(ctx: Context) {
      const result = await service().verify(String(ctx.params.code).toUpperCase());
      if (!result) return ctx.notFound('No certificate has this verification code');
      ctx.body = { data: result };
    },
  };
};
