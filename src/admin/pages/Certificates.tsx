import { useCallback, useEffect, useState } from 'react';
import { Badge, Box, Button, Flex, Loader, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorMessage, saveBlob, useCan, useText } from '../components/text';

interface TeacherRef { documentId: string; name: string; staffNumber: string; school: string | null }
interface Certificate { documentId: string; tier: string; schoolYear: string; serialNumber: string; issuedAt: string; status: 'valid' | 'revoked'; revocationReason: string | null; teacher: TeacherRef | null }
interface Missing { kind: string; required?: number; approved?: number; needed?: number; anyOfTiers?: string[]; message?: string }
interface Eligibility { eligible: boolean; approvedHours: number; completed: { code: string; title: string; tier: string }[]; missing: Missing[] }

/** The school year a date falls in: from September (2025-09 → 2025-2026). */
const currentSchoolYear = () => {
  const now = new Date();
  const start = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
  return `${start}-${start + 1}`;
};

const text = {
  'zh-Hans': {
    title: '结业证书', subtitle: '本人管辖范围内教师的 A/B/C 证：发证、撤销、下载', teacher: '教师', staffNumber: '工号', school: '学校', tier: '级别', schoolYear: '学年', serial: '证书编号', issuedAt: '发证日期', status: '状态',
    valid: '有效', revoked: '已撤销', all: '全部', download: '下载 PDF', revoke: '撤销', reason: '撤销理由（撤销时必填）', needReason: '撤销需要填写理由', empty: '暂无证书',
    issue: '发证', search: '按姓名或工号搜索本范围教师', find: '搜索', choose: '选择', chosen: '已选', check: '检查资格', eligible: '符合发证条件', notEligible: '尚不符合条件', approvedHours: '本学年已认定学时',
    missingHours: (m: Missing) => `学时不足：需 ${m.required}，已认定 ${m.approved}，还差 ${m.needed}`, missingCourse: (m: Missing) => `需完成一门 ${m.anyOfTiers?.join('/')} 级课程`, completed: '已结业课程',
    issued: (serial: string) => `已发证 ${serial}`, revokedDone: '证书已撤销', none: '没有找到教师',
  },
  en: {
    title: 'Certificates', subtitle: 'A/B/C certificates of the teachers in your scope: issue, revoke, download', teacher: 'Teacher', staffNumber: 'Staff no.', school: 'School', tier: 'Tier', schoolYear: 'School year', serial: 'Serial no.', issuedAt: 'Issued', status: 'Status',
    valid: 'Valid', revoked: 'Revoked', all: 'All', download: 'Download PDF', revoke: 'Revoke', reason: 'Reason (required to revoke)', needReason: 'A revocation needs a reason', empty: 'No certificates yet',
    issue: 'Issue a certificate', search: 'Search teachers of your scope by name or staff number', find: 'Search', choose: 'Choose', chosen: 'Chosen', check: 'Check eligibility', eligible: 'Eligible', notEligible: 'Not yet eligible', approvedHours: 'Approved hours this school year',
    missingHours: (m: Missing) => `Hours: ${m.required} needed, ${m.approved} approved, ${m.needed} short`, missingCourse: (m: Missing) => `A completed ${m.anyOfTiers?.join('/')}-tier course`, completed: 'Completed courses',
    issued: (serial: string) => `Issued ${serial}`, revokedDone: 'Certificate revoked', none: 'No teacher found',
  },
};

/** Certificates of the scope: list and download; issue with the eligibility answer first, revoke with a reason (src/workspace/training.ts). */
export default function CertificatesPage() {
  const t = useText(text);
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const canIssue = useCan('api::workspace.certificates-issue');
  const [status, setStatus] = useState<'' | 'valid' | 'revoked'>('');
  const [list, setList] = useState<Certificate[] | null>(null);
  const [reason, setReason] = useState('');
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<TeacherRef[] | null>(null);
  const [teacher, setTeacher] = useState<TeacherRef | null>(null);
  const [tier, setTier] = useState<'A' | 'B' | 'C'>('C');
  const [schoolYear, setSchoolYear] = useState(currentSchoolYear());
  const [answer, setAnswer] = useState<Eligibility | null>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const { data } = await get<{ data: Certificate[] }>(`/xinyu/certificates?pageSize=100${status ? `&status=${status}` : ''}`);
    setList(data.data);
  }, [get, status]);
  useEffect(() => {
    load().catch(() => setList([]));
  }, [load]);

  const fail = (error: unknown) => toggleNotification({ type: 'danger', message: errorMessage(error) });
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };

  const download = (c: Certificate) => run(async () => {
    const { data } = await get<Blob>(`/xinyu/certificates/${c.documentId}/pdf`, { responseType: 'blob' });
    saveBlob(data, `${c.serialNumber}.pdf`);
  });
  const revoke = (c: Certificate) => {
    if (!reason.trim()) {
      toggleNotification({ type: 'warning', message: t.needReason });
      return;
    }
    return run(async () => {
      await post(`/xinyu/certificates/${c.documentId}/revoke`, { data: { reason } });
      toggleNotification({ type: 'success', message: t.revokedDone });
      setReason('');
      await load();
    });
  };
  const search = () => run(async () => {
    const { data } = await get<{ data: TeacherRef[] }>(`/xinyu/teachers?pageSize=20&q=${encodeURIComponent(query.trim())}`);
    setFound(data.data);
  });
  const check = (who = teacher) => who && run(async () => {
    const params = new URLSearchParams({ teacher: who.documentId, tier, schoolYear });
    const { data } = await get<{ data: Eligibility }>(`/xinyu/certificates/eligibility?${params}`);
    setAnswer(data.data);
  });
  const issue = () => teacher && run(async () => {
    const { data } = await post<{ data: Certificate }>('/xinyu/certificates', { data: { teacher: teacher.documentId, tier, schoolYear } });
    toggleNotification({ type: 'success', message: t.issued(data.data.serialNumber) });
    setAnswer(null);
    await load();
  });

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={6}>
          {canIssue ? (
            <Box padding={4} background="neutral0" hasRadius shadow="tableShadow" data-testid="issue-panel">
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Typography variant="delta">{t.issue}</Typography>
                <Flex gap={2}>
                  <Box flex="1">
                    <TextInput aria-label={t.search} placeholder={t.search} name="q" value={query} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQuery(e.target.value)} onKeyDown={(e: React.KeyboardEvent) => e.key === 'Enter' && search()} data-testid="cert-teacher-search" />
                  </Box>
                  <Button variant="secondary" onClick={search} data-testid="cert-teacher-search-go">{t.find}</Button>
                </Flex>
                {found && found.length === 0 ? <Typography>{t.none}</Typography> : null}
                {found?.length ? (
                  <Flex gap={2} wrap="wrap">
                    {found.map((f) => (
                      <Button key={f.documentId} size="S" variant={teacher?.documentId === f.documentId ? 'default' : 'tertiary'} onClick={() => { setTeacher(f); setAnswer(null); }} data-testid="cert-teacher" data-staff={f.staffNumber}>
                        {f.name}（{f.staffNumber}，{f.school ?? '—'}）
                      </Button>
                    ))}
                  </Flex>
                ) : null}
                <Flex gap={4} alignItems="flex-end">
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Typography variant="pi" textColor="neutral600">{t.tier}</Typography>
                    <Flex gap={1}>
                      {(['A', 'B', 'C'] as const).map((x) => (
                        <Button key={x} size="S" variant={tier === x ? 'default' : 'tertiary'} onClick={() => { setTier(x); setAnswer(null); }} data-testid={`cert-tier-${x}`}>{x}</Button>
                      ))}
                    </Flex>
                  </Flex>
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Typography variant="pi" textColor="neutral600">{t.schoolYear}</Typography>
                    <TextInput aria-label={t.schoolYear} name="schoolYear" value={schoolYear} onChange={(e: React.ChangeEvent<HTMLInputElement>) => { setSchoolYear(e.target.value); setAnswer(null); }} data-testid="cert-school-year" />
                  </Flex>
                  <Button variant="secondary" disabled={!teacher || busy} onClick={() => check()} data-testid="cert-check">{t.check}</Button>
                  <Button disabled={!teacher || !answer?.eligible || busy} onClick={issue} data-testid="cert-issue">{t.issue}</Button>
                </Flex>
                {teacher ? <Typography textColor="neutral600">{t.chosen}: {teacher.name}（{teacher.staffNumber}）</Typography> : null}
                {answer ? (
                  <Box padding={3} background={answer.eligible ? 'success100' : 'warning100'} hasRadius data-testid="cert-eligibility" data-eligible={String(answer.eligible)}>
                    <Typography fontWeight="bold">{answer.eligible ? t.eligible : t.notEligible}</Typography>
                    <Typography tag="p">{t.approvedHours}: {answer.approvedHours}</Typography>
                    {answer.missing.map((m, i) => <Typography tag="p" key={i}>· {m.kind === 'hours' ? t.missingHours(m) : m.kind === 'course' ? t.missingCourse(m) : m.message}</Typography>)}
                    {answer.completed.length ? <Typography tag="p">{t.completed}: {answer.completed.map((c) => `${c.title}（${c.tier}）`).join('、')}</Typography> : null}
                  </Box>
                ) : null}
              </Flex>
            </Box>
          ) : null}

          <Flex gap={2} alignItems="flex-end">
            {(['', 'valid', 'revoked'] as const).map((s) => (
              <Button key={s || 'all'} size="S" variant={status === s ? 'default' : 'tertiary'} onClick={() => setStatus(s)} data-testid={`cert-filter-${s || 'all'}`}>{s ? t[s] : t.all}</Button>
            ))}
            {canIssue ? (
              <Box flex="1">
                <TextInput aria-label={t.reason} placeholder={t.reason} name="reason" value={reason} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setReason(e.target.value)} data-testid="cert-revoke-reason" />
              </Box>
            ) : null}
          </Flex>
          {!list ? (
            <Loader />
          ) : list.length === 0 ? (
            <Box padding={8} background="neutral0" hasRadius><Typography data-testid="certificates-empty">{t.empty}</Typography></Box>
          ) : (
            <Table colCount={9} rowCount={list.length + 1}>
              <Thead>
                <Tr>
                  {[t.teacher, t.staffNumber, t.school, t.tier, t.schoolYear, t.serial, t.issuedAt, t.status, ''].map((h, i) => <Th key={i}><Typography variant="sigma">{h}</Typography></Th>)}
                </Tr>
              </Thead>
              <Tbody>
                {list.map((c) => (
                  <Tr key={c.documentId} data-testid="certificate-row" data-serial={c.serialNumber}>
                    <Td><Typography>{c.teacher?.name ?? '—'}</Typography></Td>
                    <Td><Typography>{c.teacher?.staffNumber ?? '—'}</Typography></Td>
                    <Td><Typography>{c.teacher?.school ?? '—'}</Typography></Td>
                    <Td><Typography>{c.tier}</Typography></Td>
                    <Td><Typography>{c.schoolYear}</Typography></Td>
                    <Td><Typography>{c.serialNumber}</Typography></Td>
                    <Td><Typography>{new Date(c.issuedAt).toLocaleDateString()}</Typography></Td>
                    <Td>
                      <Badge active={c.status === 'valid'} data-testid="certificate-status">{t[c.status]}</Badge>
                      {c.revocationReason ? <Typography variant="pi" textColor="neutral600"> {c.revocationReason}</Typography> : null}
                    </Td>
                    <Td>
                      <Flex gap={1}>
                        <Button size="S" variant="tertiary" disabled={busy} onClick={() => download(c)} data-testid="certificate-download">{t.download}</Button>
                        {canIssue && c.status === 'valid' ? <Button size="S" variant="danger-light" disabled={busy} onClick={() => revoke(c)} data-testid="certificate-revoke">{t.revoke}</Button> : null}
                      </Flex>
                    </Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
