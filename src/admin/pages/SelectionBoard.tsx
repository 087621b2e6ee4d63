import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Badge, Box, Button, Checkbox, Flex, Loader, Modal, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorMessage, useText } from '../components/text';

type RoundStatus = 'draft' | 'open' | 'reviewing' | 'finalised';
interface Round {
  documentId: string;
  title: string;
  year: number;
  status: RoundStatus;
  quota: number;
  minReviews: number;
  submissionOpensAt: string;
  submissionClosesAt: string;
  reviewDeadline: string;
  finalisedAt: string | null;
  library: { key: string; nameZh: string; nameEn: string; target: number } | null;
  submissions?: number;
}
interface Assignment {
  documentId: string;
  reviewer: { username: string; name: string | null } | null;
  status: 'assigned' | 'submitted';
}
interface Submission {
  documentId: string;
  resourceType: string;
  resourceTitle: string;
  status: string;
  submittedAt: string;
  score: number | string | null;
  rank: number | null;
  reviews: Assignment[];
}
interface ReviewerProgress {
  username: string;
  name: string | null;
  assigned: number;
  submitted: number;
}
interface Candidate {
  username: string;
  role: 'researcher' | 'teacher';
  name: string | null;
  school: string | null;
}
interface PreviewRow {
  submission: string;
  resourceType: string;
  title: string;
  score: number;
  scoredReviews: number;
  rank?: number;
  awardLevel?: string;
}
interface Preview {
  round: { title: string; quota: number; minReviews: number };
  library: { nameZh: string; nameEn: string; target: number; room: number };
  selected: PreviewRow[];
  incomplete: PreviewRow[];
  notSelected: PreviewRow[];
  needsAllowIncomplete: boolean;
}

const NEXT: Partial<Record<RoundStatus, 'open' | 'reviewing'>> = { draft: 'open', open: 'reviewing' };

const text = {
  'zh-Hans': {
    title: '遴选工作台', subtitle: '年度“100/100/100”遴选：轮次状态、申报作品、评审分配与进度、终审',
    rounds: '遴选轮次', round: '轮次', library: '资源库', year: '年度', status: '状态', submissions: '申报数', window: '申报时间', deadline: '评审截止', open: '查看', noRounds: '还没有遴选轮次',
    quota: '名额', minReviews: '每件至少评审', toOpen: '开放申报', toReviewing: '开始评审', finalise: '终审…',
    resource: '作品', type: '类型', reviewers: '评审专家', actions: '', assign: '分配评审', noSubmissions: '本轮还没有申报作品', blind: '盲审：申报人及其学校不显示。',
    progress: '评审进度', reviewer: '评审专家', assigned: '已分配', submitted: '已提交', noReviewers: '尚未分配评审',
    candidatesTitle: (title: string) => `为《${title}》分配评审专家`, candidatesHint: '已按回避规则（非申报人本人、非同校）和案例阅读权限筛选', search: '按用户名或姓名搜索', noCandidates: '没有符合条件的评审专家', more: '结果较多，请输入姓名缩小范围',
    researcher: '教研员', teacher: '教师', assignedTo: (who: string) => `已分配给 ${who}`, cancel: '取消', close: '关闭',
    confirmTitle: '确认终审', willSelect: (n: number) => `将有 ${n} 件作品入选：`, rank: '名次', award: '奖项', score: '平均分', scoredReviews: '有效评审数',
    incomplete: (n: number, min: number) => `${n} 件作品的有效评审少于 ${min} 份，终审时将不参与入选：`, allowIncomplete: '我已知晓，不足评审数的作品不参与入选', notSelected: (n: number) => `其余 ${n} 件作品未入选。`,
    room: (room: number, target: number) => `资源库剩余名额 ${room} / ${target}`, confirm: '确认终审', finalised: (n: number) => `终审完成，${n} 件作品入选资源库`, moved: '轮次状态已更新', nothing: '没有作品入选',
  },
  en: {
    title: 'Selection rounds', subtitle: 'The yearly 100/100/100 selection: round state, submissions, reviewer assignment and progress, finalising',
    rounds: 'Rounds', round: 'Round', library: 'Library', year: 'Year', status: 'Status', submissions: 'Submissions', window: 'Submission window', deadline: 'Review deadline', open: 'Open', noRounds: 'No selection rounds yet',
    quota: 'Quota', minReviews: 'Min. reviews each', toOpen: 'Open for submissions', toReviewing: 'Start review', finalise: 'Finalise…',
    resource: 'Resource', type: 'Type', reviewers: 'Reviewers', actions: '', assign: 'Assign reviewer', noSubmissions: 'No submissions in this round yet', blind: 'Blind review: submitters and their schools are not shown.',
    progress: 'Review progress', reviewer: 'Reviewer', assigned: 'Assigned', submitted: 'Submitted', noReviewers: 'No reviewers assigned yet',
    candidatesTitle: (title: string) => `Assign a reviewer to “${title}”`, candidatesHint: 'Filtered for 回避 (not the submitter, not their school) and counselling-case access', search: 'Search by username or name', noCandidates: 'No eligible reviewers', more: 'More match: type a name to narrow the list',
    researcher: 'Researcher', teacher: 'Teacher', assignedTo: (who: string) => `Assigned to ${who}`, cancel: 'Cancel', close: 'Close',
    confirmTitle: 'Confirm finalising', willSelect: (n: number) => `${n} resource(s) will be selected:`, rank: 'Rank', award: 'Award', score: 'Mean score', scoredReviews: 'Scored reviews',
    incomplete: (n: number, min: number) => `${n} submission(s) have fewer than ${min} scored reviews and will be left out:`, allowIncomplete: 'I understand: submissions short of reviews are left out', notSelected: (n: number) => `${n} other submission(s) will not be selected.`,
    room: (room: number, target: number) => `Room left in the library: ${room} / ${target}`, confirm: 'Finalise', finalised: (n: number) => `Finalised: ${n} resource(s) selected into the library`, moved: 'Round status updated', nothing: 'Nothing will be selected',
  },
};
type Text = (typeof text)['en'];

/** The researchers' selection round board: every decision through the REST API's own services (src/workspace/library.ts). */
export default function SelectionBoardPage() {
  const t = useText(text);
  const { locale, formatMessage, formatDate } = useIntl();
  const zh = locale.startsWith('zh');
  const { get } = useFetchClient();
  const [rounds, setRounds] = useState<Round[] | null>(null);
  const [current, setCurrent] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  const loadRounds = useCallback(async () => {
    const { data } = await get<{ data: Round[] }>('/xinyu/selection/rounds?pageSize=100');
    setRounds(data.data);
    // The round in progress first: reviewing, else open.
    setCurrent((chosen) => chosen ?? (data.data.find((r) => r.status === 'reviewing') ?? data.data.find((r) => r.status === 'open') ?? data.data[0])?.documentId ?? null);
  }, [get]);
  useEffect(() => {
    loadRounds().catch((error) => setFailed(errorMessage(error)));
  }, [loadRounds]);

  const label = (value: string) => formatMessage({ id: value, defaultMessage: value });
  const day = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium' }) : '—');

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        {failed ? (
          <Typography textColor="danger600">{failed}</Typography>
        ) : !rounds ? (
          <Loader />
        ) : rounds.length === 0 ? (
          <Box padding={8} background="neutral0" hasRadius><Typography data-testid="rounds-empty">{t.noRounds}</Typography></Box>
        ) : (
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Table colCount={7} rowCount={rounds.length + 1}>
              <Thead>
                <Tr>
                  {[t.round, t.library, t.year, t.status, t.submissions, t.window, ''].map((heading, i) => (
                    <Th key={i}><Typography variant="sigma">{heading}</Typography></Th>
                  ))}
                </Tr>
              </Thead>
              <Tbody>
                {rounds.map((round) => (
                  <Tr key={round.documentId} data-testid="round-row" data-round={round.documentId} data-status={round.status} background={round.documentId === current ? 'primary100' : undefined}>
                    <Td><Typography fontWeight="semiBold">{round.title}</Typography></Td>
                    <Td><Typography>{round.library ? (zh ? round.library.nameZh : round.library.nameEn) : '—'}</Typography></Td>
                    <Td><Typography>{round.year}</Typography></Td>
                    <Td><Badge active={round.status === 'open' || round.status === 'reviewing'}>{label(round.status)}</Badge></Td>
                    <Td><Typography>{round.submissions ?? 0}</Typography></Td>
                    <Td><Typography>{`${day(round.submissionOpensAt)} – ${day(round.submissionClosesAt)}`}</Typography></Td>
                    <Td><Button variant="tertiary" size="S" onClick={() => setCurrent(round.documentId)} data-testid="open-round">{t.open}</Button></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
            {current && <RoundBoard key={current} documentId={current} t={t} onChanged={() => loadRounds()} />}
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
}

/** One round: its state and next step, its submissions with their reviewers, and the progress per reviewer. */
function RoundBoard({ documentId, t, onChanged }: { documentId: string; t: Text; onChanged: () => Promise<void> }) {
  const { locale, formatMessage, formatDate } = useIntl();
  const zh = locale.startsWith('zh');
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [board, setBoard] = useState<{ round: Round; submissions: Submission[]; reviewers: ReviewerProgress[] } | null>(null);
  const [assigning, setAssigning] = useState<Submission | null>(null);
  const [finalising, setFinalising] = useState(false);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const { data } = await get<{ data: { round: Round; submissions: Submission[]; reviewers: ReviewerProgress[] } }>(`/xinyu/selection/rounds/${documentId}?pageSize=100`);
    setBoard(data.data);
  }, [get, documentId]);
  useEffect(() => {
    load().catch((error) => toggleNotification({ type: 'danger', message: errorMessage(error) }));
  }, [load, toggleNotification]);

  const label = (value: string) => formatMessage({ id: value, defaultMessage: value });
  const day = (value: string | null) => (value ? formatDate(value, { dateStyle: 'medium' }) : '—');
  const refresh = async () => {
    await load();
    await onChanged();
  };

  const transition = async (status: 'open' | 'reviewing') => {
    setBusy(true);
    try {
      await post(`/xinyu/selection/rounds/${documentId}/transition`, { data: { status } });
      toggleNotification({ type: 'success', message: t.moved });
      await refresh();
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  if (!board) return <Loader />;
  const { round, submissions, reviewers } = board;
  const next = NEXT[round.status];
  const assignable = round.status === 'open' || round.status === 'reviewing';

  return (
    <Flex direction="column" alignItems="stretch" gap={4} data-testid="round-board" data-round={round.documentId} data-status={round.status}>
      <Box padding={6} background="neutral0" hasRadius shadow="tableShadow">
        <Flex justifyContent="space-between" alignItems="flex-start" wrap="wrap" gap={4}>
          <Flex direction="column" alignItems="flex-start" gap={1}>
            <Typography variant="beta" tag="h2">{round.title}</Typography>
            <Typography textColor="neutral600">
              {[round.library ? (zh ? round.library.nameZh : round.library.nameEn) : '', `${t.quota} ${round.quota}`, `${t.minReviews} ${round.minReviews}`, `${t.window} ${day(round.submissionOpensAt)} – ${day(round.submissionClosesAt)}`, `${t.deadline} ${day(round.reviewDeadline)}`].filter(Boolean).join(' · ')}
            </Typography>
          </Flex>
          <Flex gap={2} alignItems="center">
            <Badge active data-testid="round-status">{label(round.status)}</Badge>
            {next && (
              <Button variant="secondary" disabled={busy} onClick={() => transition(next)} data-testid={`transition-${next}`}>
                {next === 'open' ? t.toOpen : t.toReviewing}
              </Button>
            )}
            {round.status === 'reviewing' && (
              <Button variant="danger-light" disabled={busy} onClick={() => setFinalising(true)} data-testid="finalise">{t.finalise}</Button>
            )}
          </Flex>
        </Flex>
      </Box>

      <Typography textColor="neutral600" variant="pi">{t.blind}</Typography>
      {submissions.length === 0 ? (
        <Box padding={6} background="neutral0" hasRadius><Typography data-testid="submissions-empty">{t.noSubmissions}</Typography></Box>
      ) : (
        <Table colCount={5} rowCount={submissions.length + 1}>
          <Thead>
            <Tr>
              {[t.resource, t.type, t.status, t.reviewers, t.actions].map((heading, i) => (
                <Th key={i}><Typography variant="sigma">{heading}</Typography></Th>
              ))}
            </Tr>
          </Thead>
          <Tbody>
            {submissions.map((submission) => (
              <Tr key={submission.documentId} data-testid="submission-row" data-submission={submission.documentId}>
                <Td><Typography fontWeight="semiBold">{submission.resourceTitle}</Typography></Td>
                <Td><Typography>{label(submission.resourceType)}</Typography></Td>
                <Td><Typography>{label(submission.status)}{submission.rank ? ` · ${submission.rank}` : ''}</Typography></Td>
                <Td>
                  <Flex gap={1} wrap="wrap">
                    {submission.reviews.length === 0 ? (
                      <Typography textColor="neutral500">—</Typography>
                    ) : (
                      submission.reviews.map((review) => (
                        <Badge key={review.documentId} active={review.status === 'submitted'} data-testid="review-badge" data-reviewer={review.reviewer?.username} data-status={review.status}>
                          {`${review.reviewer?.name ?? review.reviewer?.username ?? '?'} · ${label(review.status)}`}
                        </Badge>
                      ))
                    )}
                  </Flex>
                </Td>
                <Td>
                  {assignable && submission.status === 'submitted' && (
                    <Button size="S" variant="secondary" onClick={() => setAssigning(submission)} data-testid="assign-reviewer">{t.assign}</Button>
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      )}

      <Box padding={6} background="neutral0" hasRadius shadow="tableShadow">
        <Typography variant="delta" tag="h3">{t.progress}</Typography>
        <Box paddingTop={4}>
          {reviewers.length === 0 ? (
            <Typography textColor="neutral600" data-testid="reviewers-empty">{t.noReviewers}</Typography>
          ) : (
            <Table colCount={3} rowCount={reviewers.length + 1}>
              <Thead>
                <Tr>
                  {[t.reviewer, t.assigned, t.submitted].map((heading) => (
                    <Th key={heading}><Typography variant="sigma">{heading}</Typography></Th>
                  ))}
                </Tr>
              </Thead>
              <Tbody>
                {reviewers.map((reviewer) => (
                  <Tr key={reviewer.username} data-testid="reviewer-row" data-reviewer={reviewer.username} data-assigned={reviewer.assigned} data-submitted={reviewer.submitted}>
                    <Td><Typography>{reviewer.name ? `${reviewer.name}（${reviewer.username}）` : reviewer.username}</Typography></Td>
                    <Td><Typography>{reviewer.assigned}</Typography></Td>
                    <Td><Typography>{`${reviewer.submitted} / ${reviewer.assigned}`}</Typography></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>
          )}
        </Box>
      </Box>

      {assigning && (
        <AssignModal
          submission={assigning}
          t={t}
          onClose={() => setAssigning(null)}
          onAssigned={async (who) => {
            setAssigning(null);
            toggleNotification({ type: 'success', message: t.assignedTo(who) });
            await refresh();
          }}
        />
      )}
      {finalising && (
        <FinaliseModal
          documentId={round.documentId}
          t={t}
          onClose={() => setFinalising(false)}
          onFinalised={async (selected) => {
            setFinalising(false);
            toggleNotification({ type: 'success', message: t.finalised(selected) });
            await refresh();
          }}
        />
      )}
    </Flex>
  );
}

/** Eligible reviewers for one submission (the server filters with the assignment's own rule), assigned with a click. */
function AssignModal({ submission, t, onClose, onAssigned }: { submission: Submission; t: Text; onClose: () => void; onAssigned: (who: string) => Promise<void> }) {
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [q, setQ] = useState('');
  const [found, setFound] = useState<{ data: Candidate[]; truncated: boolean } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    const timer = setTimeout(() => {
      get<{ data: Candidate[]; meta: { truncated: boolean } }>(`/xinyu/selection/submissions/${submission.documentId}/candidates?${new URLSearchParams({ q, limit: '30' })}`).then(
        ({ data }) => live && setFound({ data: data.data, truncated: data.meta.truncated }),
        (error) => live && toggleNotification({ type: 'danger', message: errorMessage(error) })
      );
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [get, q, submission.documentId, toggleNotification]);

  const assign = async (candidate: Candidate) => {
    setBusy(true);
    try {
      await post('/xinyu/selection/reviews', { data: { submission: submission.documentId, reviewer: candidate.username } });
      await onAssigned(candidate.name ?? candidate.username);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t.candidatesTitle(submission.resourceTitle)}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={3} data-testid="candidates">
            <Typography textColor="neutral600" variant="pi">{t.candidatesHint}</Typography>
            <TextInput aria-label={t.search} placeholder={t.search} name="q" value={q} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQ(e.target.value)} data-testid="candidate-search" />
            {!found ? (
              <Loader small />
            ) : found.data.length === 0 ? (
              <Typography data-testid="candidates-empty">{t.noCandidates}</Typography>
            ) : (
              <Flex direction="column" alignItems="stretch" gap={2}>
                {found.data.map((candidate) => (
                  <Flex key={candidate.username} justifyContent="space-between" gap={2} padding={2} hasRadius background="neutral100" data-testid="candidate" data-username={candidate.username}>
                    <Flex direction="column" alignItems="flex-start">
                      <Typography fontWeight="semiBold">{candidate.name ?? candidate.username}</Typography>
                      <Typography variant="pi" textColor="neutral600">{[candidate.role === 'researcher' ? t.researcher : t.teacher, candidate.school, candidate.username].filter(Boolean).join(' · ')}</Typography>
                    </Flex>
                    <Button size="S" disabled={busy} onClick={() => assign(candidate)} data-testid="assign-candidate">{t.assign}</Button>
                  </Flex>
                ))}
                {found.truncated && <Typography variant="pi" textColor="neutral600">{t.more}</Typography>}
              </Flex>
            )}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t.close}</Button>
          </Modal.Close>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}

/** The confirmation: the preview of what finalising selects, then the finalise itself (allowIncomplete only when ticked). */
function FinaliseModal({ documentId, t, onClose, onFinalised }: { documentId: string; t: Text; onClose: () => void; onFinalised: (selected: number) => Promise<void> }) {
  const { locale, formatMessage } = useIntl();
  const zh = locale.startsWith('zh');
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [allowIncomplete, setAllowIncomplete] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    get<{ data: Preview }>(`/xinyu/selection/rounds/${documentId}/preview`).then(
      ({ data }) => setPreview(data.data),
      (error) => {
        toggleNotification({ type: 'danger', message: errorMessage(error) });
        onClose();
      }
    );
  }, [get, documentId, toggleNotification, onClose]);

  const label = (value: string) => formatMessage({ id: value, defaultMessage: value });
  const confirm = async () => {
    setBusy(true);
    try {
      const { data } = await post<{ meta: { entries: unknown[] } }>(`/xinyu/selection/rounds/${documentId}/finalise`, { data: { allowIncomplete } });
      await onFinalised(data.meta.entries.length);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
      setBusy(false);
    }
  };

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{t.confirmTitle}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          {!preview ? (
            <Loader small />
          ) : (
            <Flex direction="column" alignItems="stretch" gap={4} data-testid="finalise-preview">
              <Typography textColor="neutral600">{`${zh ? preview.library.nameZh : preview.library.nameEn} · ${t.room(preview.library.room, preview.library.target)} · ${t.quota} ${preview.round.quota}`}</Typography>
              <Typography fontWeight="semiBold">{preview.selected.length ? t.willSelect(preview.selected.length) : t.nothing}</Typography>
              {preview.selected.length > 0 && (
                <Table colCount={4} rowCount={preview.selected.length + 1}>
                  <Thead>
                    <Tr>
                      {[t.rank, t.resource, t.award, t.score].map((heading) => (
                        <Th key={heading}><Typography variant="sigma">{heading}</Typography></Th>
                      ))}
                    </Tr>
                  </Thead>
                  <Tbody>
                    {preview.selected.map((row) => (
                      <Tr key={row.submission} data-testid="preview-selected" data-submission={row.submission} data-rank={row.rank}>
                        <Td><Typography>{row.rank}</Typography></Td>
                        <Td><Typography>{row.title}</Typography></Td>
                        <Td><Typography>{label(row.awardLevel ?? '')}</Typography></Td>
                        <Td><Typography>{row.score}</Typography></Td>
                      </Tr>
                    ))}
                  </Tbody>
                </Table>
              )}
              {preview.incomplete.length > 0 && (
                <Box padding={3} background="warning100" hasRadius>
                  <Typography textColor="warning700">{t.incomplete(preview.incomplete.length, preview.round.minReviews)}</Typography>
                  <ul>
                    {preview.incomplete.map((row) => (
                      <li key={row.submission} data-testid="preview-incomplete"><Typography>{`${row.title}（${row.scoredReviews}）`}</Typography></li>
                    ))}
                  </ul>
                  <Box paddingTop={2}>
                    <Checkbox checked={allowIncomplete} onCheckedChange={(checked: boolean) => setAllowIncomplete(checked === true)} data-testid="allow-incomplete">{t.allowIncomplete}</Checkbox>
                  </Box>
                </Box>
              )}
              {preview.notSelected.length > 0 && <Typography textColor="neutral600">{t.notSelected(preview.notSelected.length)}</Typography>}
            </Flex>
          )}
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{t.cancel}</Button>
          </Modal.Close>
          <Button variant="danger" disabled={!preview || busy || (preview.needsAllowIncomplete && !allowIncomplete)} onClick={confirm} data-testid="confirm-finalise">{t.confirm}</Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
}
