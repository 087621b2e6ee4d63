import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Box, Button, Checkbox, Flex, Loader, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';

interface PendingRecord {
  documentId: string;
  category: string;
  hours: number;
  date: string;
  note: string | null;
  source: string;
  teacher: { name: string; staffNumber: string } | null;
  course: { title: string } | null;
  evidence: { name: string; mime: string } | null;
}

const text = {
  'zh-Hans': {
    title: '学时审批', subtitle: '本人管辖范围内待审核的学时记录，按日期排序', teacher: '教师', staffNumber: '工号', category: '类别', hours: '学时', date: '日期', note: '说明',
    evidence: '证明材料', none: '无', download: '查看', approve: '通过', reject: '退回', approveSelected: '批量通过', rejectSelected: '批量退回', reason: '退回理由（退回时必填）',
    empty: '没有待审核的记录', done: (n: number) => `已处理 ${n} 条记录`, needReason: '退回需要填写理由', selectAll: '全选',
  },
  en: {
    title: 'Credit-hour approvals', subtitle: 'Pending records of the teachers in your scope, oldest first', teacher: 'Teacher', staffNumber: 'Staff no.', category: 'Category', hours: 'Hours', date: 'Date', note: 'Note',
    evidence: 'Evidence', none: 'none', download: 'View', approve: 'Approve', reject: 'Reject', approveSelected: 'Approve selected', rejectSelected: 'Reject selected', reason: 'Reason (required to reject)',
    empty: 'Nothing is waiting for a decision', done: (n: number) => `${n} record(s) decided`, needReason: 'A rejection needs a reason', selectAll: 'Select all',
  },
};

/** The coordinator's approval queue: per-row and bulk decisions through the ledger's own decision (all or nothing). */
export default function ApprovalsPage() {
  const { locale, formatMessage } = useIntl();
  const t = locale.startsWith('zh') ? text['zh-Hans'] : text.en;
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [records, setRecords] = useState<PendingRecord[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const { data } = await get<{ data: PendingRecord[] }>('/xinyu/approvals?pageSize=100');
    setRecords(data.data);
    setSelected(new Set());
  }, [get]);
  useEffect(() => {
    load().catch(() => setRecords([]));
  }, [load]);

  const decide = async (ids: string[], decision: 'approved' | 'rejected') => {
    if (ids.length === 0) return;
    if (decision === 'rejected' && !reason.trim()) {
      toggleNotification({ type: 'warning', message: t.needReason });
      return;
    }
    setBusy(true);
    try {
      await post('/xinyu/approvals/decisions', { data: { records: ids, decision, ...(decision === 'rejected' ? { reason } : {}) } });
      toggleNotification({ type: 'success', message: t.done(ids.length) });
      setReason('');
      await load();
    } catch (error) {
      const message = (error as { response?: { data?: { error?: { message?: string } } } }).response?.data?.error?.message;
      toggleNotification({ type: 'danger', message: message ?? String(error) });
    } finally {
      setBusy(false);
    }
  };

  const openEvidence = async (documentId: string) => {
    const { data } = await get<Blob>(`/xinyu/approvals/${documentId}/evidence`, { responseType: 'blob' });
    window.open(URL.createObjectURL(data), '_blank', 'noopener');
  };

  const toggle = (id: string) => setSelected((current) => {
    const next = new Set(current);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        {!records ? (
          <Loader />
        ) : records.length === 0 ? (
          <Box padding={8} background="neutral0" hasRadius>
            <Typography data-testid="approvals-empty">{t.empty}</Typography>
          </Box>
        ) : (
          <Flex direction="column" alignItems="stretch" gap={4}>
            <Flex gap={2} alignItems="flex-end">
              <Box flex="1">
                <TextInput aria-label={t.reason} placeholder={t.reason} name="reason" value={reason} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setReason(e.target.value)} />
              </Box>
              <Button disabled={busy || selected.size === 0} onClick={() => decide([...selected], 'approved')} data-testid="approve-selected">
                {t.approveSelected} ({selected.size})
              </Button>
              <Button variant="danger-light" disabled={busy || selected.size === 0} onClick={() => decide([...selected], 'rejected')}>
                {t.rejectSelected}
              </Button>
            </Flex>
            <Table colCount={9} rowCount={records.length + 1}>
              <Thead>
                <Tr>
                  <Th>
                    <Checkbox aria-label={t.selectAll} checked={selected.size === records.length} onCheckedChange={(checked: boolean) => setSelected(checked ? new Set(records.map((r) => r.documentId)) : new Set())} />
                  </Th>
                  {[t.teacher, t.staffNumber, t.category, t.hours, t.date, t.note, t.evidence, ''].map((label, i) => (
                    <Th key={i}><Typography variant="sigma">{label}</Typography></Th>
                  ))}
                </Tr>
              </Thead>
              <Tbody>
                {records.map((record) => (
                  <Tr key={record.documentId} data-testid="approval-row" data-record={record.documentId}>
                    <Td><Checkbox aria-label={record.documentId} checked={selected.has(record.documentId)} onCheckedChange={() => toggle(record.documentId)} /></Td>
                    <Td><Typography>{record.teacher?.name ?? '—'}</Typography></Td>
                    <Td><Typography>{record.teacher?.staffNumber ?? '—'}</Typography></Td>
                    <Td><Typography>{formatMessage({ id: record.category, defaultMessage: record.category })}</Typography></Td>
                    <Td><Typography>{record.hours}</Typography></Td>
                    <Td><Typography>{record.date}</Typography></Td>
                    <Td><Typography>{record.course?.title ?? record.note ?? ''}</Typography></Td>
                    <Td>
                      {record.evidence ? (
                        <Button variant="tertiary" size="S" onClick={() => openEvidence(record.documentId)}>{t.download}</Button>
                      ) : (
                        <Typography textColor="neutral500">{t.none}</Typography>
                      )}
                    </Td>
                    <Td>
                      <Flex gap={1}>
                        <Button size="S" disabled={busy} onClick={() => decide([record.documentId], 'approved')} data-testid="approve-row">{t.approve}</Button>
                        <Button size="S" variant="danger-light" disabled={busy} onClick={() => decide([record.documentId], 'rejected')}>{t.reject}</Button>
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
}
