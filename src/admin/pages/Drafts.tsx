import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Box, Button, Flex, Link, Loader, SingleSelect, SingleSelectOption, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import { errorMessage, useText } from '../components/text';

interface Draft {
  type: 'lesson-plan' | 'psychodrama-script' | 'counseling-case';
  uid: string;
  documentId: string;
  title: string;
  updatedAt: string;
  author: { name: string } | null;
  school: { name: string; district: string } | null;
}
interface PageInfo {
  page: number;
  pageSize: number;
  total: number;
  pageCount: number;
}

const TYPES = ['lesson-plan', 'psychodrama-script', 'counseling-case'] as const;
const PAGE_SIZE = 20;
// The select's value for every type (a select shows an empty value as its placeholder too).
const ALL = 'all';

const text = {
  'zh-Hans': {
    title: '待审草稿', subtitle: '教师提交、尚未发布的教案、心理剧剧本和辅导案例，最新的在前；在内容管理中审阅、修改并发布',
    type: '类型', all: '全部类型', titleColumn: '标题', author: '作者', school: '学校', updated: '最近修改', open: '在内容管理中打开', empty: '没有待审的草稿', failed: '无法读取草稿',
    total: (n: number) => `共 ${n} 篇`, previous: '上一页', next: '下一页',
  },
  en: {
    title: 'Drafts awaiting review', subtitle: 'Teachers\' lesson plans, psychodrama scripts and counselling cases never published yet, newest first; review, edit and publish them in the Content Manager',
    type: 'Type', all: 'All types', titleColumn: 'Title', author: 'Author', school: 'School', updated: 'Last edited', open: 'Open in the Content Manager', empty: 'No drafts are waiting', failed: 'Drafts could not be read',
    total: (n: number) => `${n} in all`, previous: 'Previous', next: 'Next',
  },
};

/** Teachers' drafts across the three types, each linked to its edit view in the Content Manager. */
export default function DraftsPage() {
  const t = useText(text);
  const { formatMessage, formatDate } = useIntl();
  const { get } = useFetchClient();
  const [type, setType] = useState<string>(ALL);
  const [page, setPage] = useState(1);
  const [drafts, setDrafts] = useState<{ data: Draft[]; pagination: PageInfo } | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  const load = useCallback(async () => {
    const params = new URLSearchParams({ page: String(page), pageSize: String(PAGE_SIZE), ...(type !== ALL ? { type } : {}) });
    const { data } = await get<{ data: Draft[]; meta: { pagination: PageInfo } }>(`/xinyu/drafts?${params}`);
    setDrafts({ data: data.data, pagination: data.meta.pagination });
  }, [get, page, type]);
  useEffect(() => {
    load().catch((error) => setFailed(errorMessage(error)));
  }, [load]);

  const label = (value: string) => formatMessage({ id: value, defaultMessage: value });

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Flex gap={4} alignItems="center">
            <Box width="240px">
              <SingleSelect
                aria-label={t.type}
                value={type}
                onChange={(value: string | number) => {
                  setType(String(value));
                  setPage(1);
                }}
                data-testid="drafts-type"
              >
                <SingleSelectOption value={ALL}>{t.all}</SingleSelectOption>
                {TYPES.map((value) => (
                  <SingleSelectOption key={value} value={value}>{label(value)}</SingleSelectOption>
                ))}
              </SingleSelect>
            </Box>
            {drafts && <Typography textColor="neutral600" data-testid="drafts-total">{t.total(drafts.pagination.total)}</Typography>}
          </Flex>
          {failed ? (
            <Typography textColor="danger600">{`${t.failed}: ${failed}`}</Typography>
          ) : !drafts ? (
            <Loader />
          ) : drafts.data.length === 0 ? (
            <Box padding={8} background="neutral0" hasRadius>
              <Typography data-testid="drafts-empty">{t.empty}</Typography>
            </Box>
          ) : (
            <>
              <Table colCount={6} rowCount={drafts.data.length + 1}>
                <Thead>
                  <Tr>
                    {[t.type, t.titleColumn, t.author, t.school, t.updated, ''].map((heading, i) => (
                      <Th key={i}><Typography variant="sigma">{heading}</Typography></Th>
                    ))}
                  </Tr>
                </Thead>
                <Tbody>
                  {drafts.data.map((draft) => (
                    <Tr key={`${draft.type}:${draft.documentId}`} data-testid="draft-row" data-type={draft.type} data-document={draft.documentId}>
                      <Td><Typography>{label(draft.type)}</Typography></Td>
                      <Td><Typography fontWeight="semiBold">{draft.title}</Typography></Td>
                      <Td><Typography>{draft.author?.name ?? '—'}</Typography></Td>
                      <Td><Typography>{draft.school?.name ?? '—'}</Typography></Td>
                      <Td><Typography>{formatDate(draft.updatedAt, { dateStyle: 'medium', timeStyle: 'short' })}</Typography></Td>
                      <Td>
                        <Link href={`/admin/content-manager/collection-types/${draft.uid}/${draft.documentId}`} data-testid="draft-edit-link">{t.open}</Link>
                      </Td>
                    </Tr>
                  ))}
                </Tbody>
              </Table>
              {drafts.pagination.pageCount > 1 && (
                <Flex justifyContent="flex-end" gap={2} alignItems="center">
                  <Button variant="tertiary" disabled={page <= 1} onClick={() => setPage((p) => Math.max(1, p - 1))}>{t.previous}</Button>
                  <Typography>{`${page} / ${drafts.pagination.pageCount}`}</Typography>
                  <Button variant="tertiary" disabled={page >= drafts.pagination.pageCount} onClick={() => setPage((p) => Math.min(drafts.pagination.pageCount, p + 1))}>{t.next}</Button>
                </Flex>
              )}
            </>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
