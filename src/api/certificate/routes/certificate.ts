import { acceptsData } from '../../../shared/query-guards';

export default {
  routes: [
    { method: 'GET', path: '/certificates/verify/:code', handler: 'certificate.verify', config: { auth: false, middlewares: ['api::certificate.verify-rate-limit'], description: 'Public: is this certificate valid? Masked holder, tier, school, date, hours' } },
    { method: 'POST', path: '/certificates', handler: 'certificate.create', config: { middlewares: [acceptsData(['teacher', 'tier', 'schoolYear'])], description: 'Issue a certificate to an eligible teacher (coordinators)' } },
    { method: 'GET', path: '/certificates/:id', handler: 'certificate.findOne', config: {} },
    { method: 'GET', path: '/certificates/:id/pdf', handler: 'certificate.pdf', config: { description: 'The certificate as a PDF with a QR code of its verification URL' } },
    { method: 'POST', path: '/certificates/:id/revoke', handler: 'certificate.revoke', config: { middlewares: [acceptsData(['reason'])], description: 'Revoke with a reason (coordinators)' } },
  ],
};
