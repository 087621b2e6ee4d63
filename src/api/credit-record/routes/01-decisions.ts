import { acceptsData } from '../../../shared/query-guards';

export default {
  routes: [
    { method: 'POST', path: '/credit-records/import', handler: 'credit-record.import', config: { description: 'Import attendance from CSV/XLSX (UTF-8, BOM, GB18030/GBK); dryRun; all or nothing unless partial' } },
    { method: 'POST', path: '/credit-records/decisions', handler: 'credit-record.decide', config: { middlewares: [acceptsData(['records', 'decision', 'reason'])], description: 'Approve or reject many pending records at once, all or nothing' } },
    { method: 'GET', path: '/credit-records/:id/evidence', handler: 'credit-record.evidence', config: { description: 'Download the evidence (the record\'s teacher and coordinators): attachment, nosniff, the sniffed type' } },
    { method: 'POST', path: '/credit-records/:id/approve', handler: 'credit-record.approve', config: { middlewares: [acceptsData([])] } },
    { method: 'POST', path: '/credit-records/:id/reject', handler: 'credit-record.reject', config: { middlewares: [acceptsData(['reason'])] } },
    { method: 'POST', path: '/credit-records/:id/reverse', handler: 'credit-record.reverse', config: { middlewares: [acceptsData(['reason'])], description: 'Correct approved hours with a new reversing record' } },
  ],
};
