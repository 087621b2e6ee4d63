import { useState } from 'react';
import { Box, Button, Checkbox, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorMessage, useText } from '../components/text';

type Kind = 'roster' | 'attendance';
interface RowError { row: number; column: string; reason: string }
/** The import services' reports (src/platform/roster-import.ts, src/training/attendance-import.ts), as REST answers them. */
interface Report {
  dryRun: boolean;
  rows: number;
  errorCount: number;
  errors: RowError[];
  // roster
  created?: number;
  updated?: number;
  unchanged?: number;
  activations?: { row: number; staffNumber: string; username: string; delivery: string }[];
  mhPostsPending?: string[];
  // attendance
  valid?: number;
  alreadyImported?: number;
  imported?: number;
  pendingOwn?: number;
  skipped?: { row: number; reason: string; record: string }[];
}

const text = {
  'zh-Hans': {
    title: '导入向导', subtitle: '教师名册与培训考勤：上传 → 试导入（逐行检查）→ 确认导入', kind: '导入内容', roster: '教师名册', attendance: '培训考勤（学时）',
    file: '选择文件（CSV 或 XLSX）', dryRun: '试导入（不写入）', commit: '确认导入', partial: '只导入无误的行（跳过有错误的行）', again: '重新开始',
    rows: '数据行', errors: '有错误的行', created: '新建', updated: '更新', unchanged: '无变化', valid: '可导入', alreadyImported: '已导入过（跳过）', imported: '已导入', pendingOwn: '本人学时（待他人审核）',
    row: '行号', column: '字段', reason: '问题', noErrors: '全部行检查通过，可以导入', fixFirst: '请先修正文件中的错误再导入', dryRunResult: '试导入结果（尚未写入）', result: '导入完成',
    activations: '新账号（激活码已发送至教师本人邮箱，不在此显示；无邮箱的账号需补充邮箱后重新发送）', staffNumber: '工号', username: '用户名', delivery: '激活码发送',
    deliveries: { sent: '已发送', queued: '排队发送', no_email: '无邮箱，未发送', failed: '发送失败' } as Record<string, string>,
    mhPending: '新任心理健康岗位（待教研员确认）', more: (n: number) => `另有 ${n} 个错误未列出`,
  },
  en: {
    title: 'Import wizard', subtitle: 'Teacher rosters and training attendance: upload → dry run (every row checked) → commit', kind: 'Import', roster: 'Teacher roster', attendance: 'Training attendance (hours)',
    file: 'Choose a file (CSV or XLSX)', dryRun: 'Dry run (writes nothing)', commit: 'Commit import', partial: 'Import the valid rows only (skip rows with errors)', again: 'Start over',
    rows: 'Rows', errors: 'Rows with errors', created: 'Created', updated: 'Updated', unchanged: 'Unchanged', valid: 'Valid', alreadyImported: 'Imported before (skipped)', imported: 'Imported', pendingOwn: 'Own hours (pending for someone else)',
    row: 'Row', column: 'Field', reason: 'Problem', noErrors: 'Every row passed; ready to import', fixFirst: 'Fix the errors in the file before importing', dryRunResult: 'Dry run (nothing written yet)', result: 'Import done',
    activations: 'New accounts (activation codes went to the teachers by email and are never shown here; accounts without email need one, then a resend)', staffNumber: 'Staff no.', username: 'Username', delivery: 'Activation code',
    deliveries: { sent: 'sent', queued: 'queued', no_email: 'no email, not sent', failed: 'failed' } as Record<string, string>,
    mhPending: 'New mental-health posts (awaiting a researcher)', more: (n: number) => `${n} more error(s) not listed`,
  },
};

/** Upload → dry run (every row error) → commit, through the REST imports' own services (src/workspace/training.ts). */
export default function ImportWizardPage() {
  const t = useText(text);
  const { post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [kind, setKind] = useState<Kind>('roster');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<Report | null>(null);
  const [result, setResult] = useState<Report | null>(null);
  const [partial, setPartial] = useState(false);
  const [busy, setBusy] = useState(false);

  const reset = (next: Kind = kind) => {
    setKind(next);
    setPreview(null);
    setResult(null);
    setPartial(false);
  };

  const send = async (dryRun: boolean) => {
    if (!file) return;
    const body = new FormData();
    body.append('file', file);
    const flags = new URLSearchParams({ ...(dryRun ? { dryRun: 'true' } : {}), ...(partial && !dryRun ? { partial: 'true' } : {}) });
    setBusy(true);
    try {
      const { data } = await post<{ data: Report }>(`/xinyu/imports/${kind}?${flags}`, body);
      if (dryRun) setPreview(data.data);
      else setResult(data.data);
    } catch (error) {
      // A refused commit answers the same report (rows and errors) in the error's details.
      const details = (error as { response?: { data?: { error?: { details?: Report } } } }).response?.data?.error?.details;
      if (details && Array.isArray(details.errors) && typeof details.rows === 'number') setPreview({ ...details, dryRun: true });
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  const report = result ?? preview;
  const canCommit = Boolean(preview && file && !result && (preview.errorCount === 0 || (kind === 'attendance' && partial && (preview.valid ?? 0) > 0)));
  const counts: [string, number | undefined][] = report
    ? kind === 'roster'
      ? [[t.rows, report.rows], [t.errors, report.errorCount], [t.created, report.created], [t.updated, report.updated], [t.unchanged, report.unchanged]]
      : [[t.rows, report.rows], [t.errors, report.errorCount], [t.valid, report.valid], [t.alreadyImported, report.alreadyImported], ...(result ? ([[t.imported, report.imported], [t.pendingOwn, report.pendingOwn]] as [string, number | undefined][]) : [])]
    : [];

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Box padding={4} background="neutral0" hasRadius shadow="tableShadow">
            <Flex direction="column" alignItems="stretch" gap={3}>
              <Typography variant="delta">{t.kind}</Typography>
              <Flex gap={2}>
                {(['roster', 'attendance'] as Kind[]).map((k) => (
                  <Button key={k} variant={kind === k ? 'default' : 'tertiary'} onClick={() => reset(k)} data-testid={`import-kind-${k}`}>
                    {k === 'roster' ? t.roster : t.attendance}
                  </Button>
                ))}
              </Flex>
              <label>
                <Typography variant="pi" textColor="neutral600">{t.file}</Typography>
                <Box paddingTop={1}>
                  <input
                    type="file"
                    accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    data-testid="import-file"
                    onChange={(e) => {
                      setFile(e.target.files?.[0] ?? null);
                      reset();
                    }}
                  />
                </Box>
              </label>
              <Flex gap={2}>
                <Button variant="secondary" disabled={!file || busy} onClick={() => send(true)} data-testid="import-dry-run">{t.dryRun}</Button>
                {kind === 'attendance' && preview && preview.errorCount > 0 && !result ? (
                  <Checkbox checked={partial} onCheckedChange={(checked: boolean) => setPartial(checked)} data-testid="import-partial">{t.partial}</Checkbox>
                ) : null}
                <Button disabled={!canCommit || busy} onClick={() => send(false)} data-testid="import-commit">{t.commit}</Button>
                {report ? <Button variant="tertiary" onClick={() => reset()}>{t.again}</Button> : null}
              </Flex>
            </Flex>
          </Box>

          {report ? (
            <Box padding={4} background="neutral0" hasRadius shadow="tableShadow" data-testid={result ? 'import-result' : 'import-preview'}>
              <Flex direction="column" alignItems="stretch" gap={3}>
                <Typography variant="delta">{result ? t.result : t.dryRunResult}</Typography>
                <Flex gap={6} wrap="wrap">
                  {counts.map(([label, value]) => (
                    <Flex key={label} direction="column" alignItems="flex-start">
                      <Typography variant="pi" textColor="neutral600">{label}</Typography>
                      <Typography variant="beta" data-testid={`import-count-${label}`}>{value ?? 0}</Typography>
                    </Flex>
                  ))}
                </Flex>
                {report.errors.length === 0 ? (
                  !result && <Typography textColor="success600" data-testid="import-clean">{t.noErrors}</Typography>
                ) : (
                  <>
                    {!result && !(kind === 'attendance' && partial) ? <Typography textColor="danger600">{t.fixFirst}</Typography> : null}
                    <Table colCount={3} rowCount={report.errors.length + 1}>
                      <Thead>
                        <Tr>
                          <Th><Typography variant="sigma">{t.row}</Typography></Th>
                          <Th><Typography variant="sigma">{t.column}</Typography></Th>
                          <Th><Typography variant="sigma">{t.reason}</Typography></Th>
                        </Tr>
                      </Thead>
                      <Tbody>
                        {report.errors.map((e, i) => (
                          <Tr key={i} data-testid="import-error">
                            <Td><Typography>{e.row}</Typography></Td>
                            <Td><Typography>{e.column}</Typography></Td>
                            <Td><Typography>{e.reason}</Typography></Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                    {report.errorCount > report.errors.length ? <Typography textColor="neutral600">{t.more(report.errorCount - report.errors.length)}</Typography> : null}
                  </>
                )}
                {result?.activations?.length ? (
                  <>
                    <Typography variant="omega" fontWeight="bold">{t.activations}</Typography>
                    <Table colCount={4} rowCount={result.activations.length + 1}>
                      <Thead>
                        <Tr>
                          {[t.row, t.staffNumber, t.username, t.delivery].map((label) => <Th key={label}><Typography variant="sigma">{label}</Typography></Th>)}
                        </Tr>
                      </Thead>
                      <Tbody>
                        {result.activations.map((a) => (
                          <Tr key={a.staffNumber} data-testid="import-activation">
                            <Td><Typography>{a.row}</Typography></Td>
                            <Td><Typography>{a.staffNumber}</Typography></Td>
                            <Td><Typography>{a.username}</Typography></Td>
                            <Td><Typography>{t.deliveries[a.delivery] ?? a.delivery}</Typography></Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  </>
                ) : null}
                {report.mhPostsPending?.length ? <Typography textColor="neutral600">{t.mhPending}: {report.mhPostsPending.join('、')}</Typography> : null}
              </Flex>
            </Box>
          ) : null}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
