import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Badge, Box, Button, Flex, Loader, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { BarChart } from '../components/BarChart';
import { errorMessage, saveBlob, useText } from '../components/text';

type GroupBy = 'district' | 'school' | 'teacher';
interface Area {
  key: string;
  name: string;
  district: string;
  teachers: number;
  meeting: number;
  share: number;
  approvedHours: number;
}
interface Teacher {
  documentId: string;
  name: string;
  staffNumber: string;
  schoolName: string;
  positions: string[];
  requiredHours: number;
  approvedHours: number;
  meeting: boolean;
}
interface Summary {
  schoolYear: string;
  groupBy: GroupBy;
  area: { district?: string; school?: string; schoolName?: string };
  totals: { teachers: number; meeting: number; share: number };
  areas: Area[];
  teachers: Teacher[];
}
/** Where the drill-down stands: nothing (the scope's own area), a district or a school. */
interface Level {
  district?: string;
  school?: string;
  groupBy?: GroupBy;
}

const text = {
  'zh-Hans': {
    title: '学时达标看板', subtitle: '本人管辖范围内教师达到本学年学时要求的情况，可逐级查看：全市 → 区县 → 学校 → 教师',
    city: '全市', schoolYear: '学年', totals: (m: number, t: number, s: number) => `达标 ${m} / ${t} 人（${Math.round(s * 100)}%）`,
    district: '区县', school: '学校', teachers: '教师数', meeting: '达标人数', share: '达标率', hours: '认定学时', open: '查看', name: '姓名', staffNumber: '工号',
    positions: '岗位', required: '应修学时', approved: '已认定学时', status: '状态', met: '已达标', notMet: '未达标', empty: '该范围内暂无教师', exportCsv: '导出 CSV', exportXlsx: '导出 Excel',
  },
  en: {
    title: 'Compliance dashboard', subtitle: 'Teachers of your scope meeting this school year’s hours, level by level: city → district → school → teacher',
    city: 'City', schoolYear: 'School year', totals: (m: number, t: number, s: number) => `${m} of ${t} teachers meeting (${Math.round(s * 100)}%)`,
    district: 'District', school: 'School', teachers: 'Teachers', meeting: 'Meeting', share: 'Share', hours: 'Approved hours', open: 'Open', name: 'Name', staffNumber: 'Staff no.',
    positions: 'Positions', required: 'Required hours', approved: 'Approved hours', status: 'Status', met: 'Meeting', notMet: 'Not yet', empty: 'No teachers in this area', exportCsv: 'Export CSV', exportXlsx: 'Export Excel',
  },
};

/** The school year a date falls in (September to August), and the two before it. */
function schoolYears(now = new Date()): string[] {
  const start = now.getMonth() >= 8 ? now.getFullYear() : now.getFullYear() - 1;
  return [0, 1, 2].map((back) => `${start - back}-${start - back + 1}`);
}

const queryOf = (schoolYear: string, level: Level, extra: Record<string, string> = {}) =>
  new URLSearchParams({ schoolYear, ...(level.district ? { district: level.district } : {}), ...(level.school ? { school: level.school } : {}), ...(level.groupBy ? { groupBy: level.groupBy } : {}), ...extra }).toString();

/** Coordinators' and school leads' compliance dashboard: charts per area, drilling down to teachers, with exports. */
export default function CompliancePage() {
  const t = useText(text);
  const { formatMessage } = useIntl();
  const { get } = useFetchClient();
  const { toggleNotification } = useNotification();
  const years = schoolYears();
  const [schoolYear, setSchoolYear] = useState(years[0]);
  // The trail of levels drilled into; the first is the scope's own area.
  const [trail, setTrail] = useState<{ label: string; level: Level }[]>([]);
  const [summary, setSummary] = useState<Summary | null>(null);
  const level = trail.length ? trail[trail.length - 1].level : {};

  const load = useCallback(async () => {
    setSummary(null);
    try {
      const { data } = await get<{ data: Summary }>(`/xinyu/compliance?${queryOf(schoolYear, level)}`);
      setSummary(data.data);
      // The first answer names the scope's own area: the trail starts there.
      const { district, school, schoolName } = data.data.area;
      setTrail((current) => (current.length ? current : [{ label: schoolName ?? district ?? t.city, level: { district, school } }]));
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  }, [get, toggleNotification, t.city, schoolYear, level.district, level.school, level.groupBy]);
  useEffect(() => {
    load();
  }, [load]);

  const drill = (area: Area) => {
    if (!summary) return;
    const next: Level = summary.groupBy === 'district' ? { district: area.key, groupBy: 'school' } : { school: area.key, groupBy: 'teacher' };
    setTrail((current) => [...current, { label: area.name, level: next }]);
  };

  const download = async (format: 'csv' | 'xlsx') => {
    try {
      const { data, headers } = await get<Blob>(`/xinyu/compliance?${queryOf(schoolYear, level, { format })}`, { responseType: 'blob' });
      const disposition = headers?.get('content-disposition') ?? '';
      const name = /filename\*=UTF-8''([^;]+)/.exec(disposition)?.[1];
      saveBlob(data, name ? decodeURIComponent(name) : `compliance-${schoolYear}.${format}`);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    }
  };

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header
        title={t.title}
        subtitle={t.subtitle}
        primaryAction={
          <Flex gap={2}>
            <Button variant="secondary" onClick={() => download('csv')} data-testid="export-csv">{t.exportCsv}</Button>
            <Button variant="secondary" onClick={() => download('xlsx')} data-testid="export-xlsx">{t.exportXlsx}</Button>
          </Flex>
        }
      />
      <Layouts.Content>
        <Flex direction="column" alignItems="stretch" gap={4}>
          <Flex justifyContent="space-between" wrap="wrap" gap={2}>
            <Flex gap={1} data-testid="compliance-trail">
              {trail.map((crumb, i) => (
                <Flex key={`${crumb.label}-${i}`} gap={1}>
                  {i > 0 && <Typography textColor="neutral500">›</Typography>}
                  <Button variant={i === trail.length - 1 ? 'secondary' : 'tertiary'} size="S" data-testid="crumb" onClick={() => setTrail((current) => current.slice(0, i + 1))}>
                    {crumb.label}
                  </Button>
                </Flex>
              ))}
            </Flex>
            <Flex gap={1}>
              <Typography variant="pi" textColor="neutral600">{t.schoolYear}</Typography>
              {years.map((year) => (
                <Button key={year} size="S" variant={year === schoolYear ? 'default' : 'tertiary'} onClick={() => setSchoolYear(year)} data-testid={`year-${year}`}>
                  {year}
                </Button>
              ))}
            </Flex>
          </Flex>
          {!summary ? (
            <Loader />
          ) : (
            <Box padding={6} background="neutral0" hasRadius shadow="tableShadow" data-testid="compliance-summary" data-group={summary.groupBy} data-year={summary.schoolYear}>
              <Flex direction="column" alignItems="stretch" gap={4}>
                <Typography variant="delta" data-testid="compliance-totals">{t.totals(summary.totals.meeting, summary.totals.teachers, summary.totals.share)}</Typography>
                {summary.totals.teachers === 0 && <Typography textColor="neutral600">{t.empty}</Typography>}
                {summary.groupBy !== 'teacher' ? (
                  <>
                    <BarChart
                      testId="compliance-areas"
                      bars={summary.areas.map((area) => ({ label: area.name, value: area.meeting, max: area.teachers, caption: `${area.meeting} / ${area.teachers} (${Math.round(area.share * 100)}%)` }))}
                    />
                    <Table colCount={6} rowCount={summary.areas.length + 1}>
                      <Thead>
                        <Tr>
                          {[summary.groupBy === 'district' ? t.district : t.school, t.teachers, t.meeting, t.share, t.hours, ''].map((label, i) => (
                            <Th key={i}><Typography variant="sigma">{label}</Typography></Th>
                          ))}
                        </Tr>
                      </Thead>
                      <Tbody>
                        {summary.areas.map((area) => (
                          <Tr key={area.key} data-testid="compliance-row" data-key={area.key}>
                            <Td><Typography fontWeight="semiBold">{area.name}</Typography></Td>
                            <Td><Typography>{area.teachers}</Typography></Td>
                            <Td><Typography>{area.meeting}</Typography></Td>
                            <Td><Typography>{Math.round(area.share * 100)}%</Typography></Td>
                            <Td><Typography>{area.approvedHours}</Typography></Td>
                            <Td><Button size="S" variant="tertiary" onClick={() => drill(area)} data-testid="drill">{t.open}</Button></Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  </>
                ) : (
                  <>
                    <BarChart
                      testId="compliance-teachers-chart"
                      bars={summary.teachers.map((teacher) => ({ label: `${teacher.name}（${teacher.staffNumber}）`, value: teacher.approvedHours, max: teacher.requiredHours, caption: `${teacher.approvedHours} / ${teacher.requiredHours} h` }))}
                    />
                    <Table colCount={6} rowCount={summary.teachers.length + 1}>
                      <Thead>
                        <Tr>
                          {[t.name, t.staffNumber, t.positions, t.required, t.approved, t.status].map((label) => (
                            <Th key={label}><Typography variant="sigma">{label}</Typography></Th>
                          ))}
                        </Tr>
                      </Thead>
                      <Tbody>
                        {summary.teachers.map((teacher) => (
                          <Tr key={teacher.documentId} data-testid="compliance-teacher" data-meeting={String(teacher.meeting)}>
                            <Td><Typography fontWeight="semiBold">{teacher.name}</Typography></Td>
                            <Td><Typography>{teacher.staffNumber}</Typography></Td>
                            <Td><Typography>{teacher.positions.map((code) => formatMessage({ id: code, defaultMessage: code })).join('、')}</Typography></Td>
                            <Td><Typography>{teacher.requiredHours}</Typography></Td>
                            <Td><Typography>{teacher.approvedHours}</Typography></Td>
                            <Td>
                              <Badge active={teacher.meeting}>{teacher.meeting ? t.met : t.notMet}</Badge>
                            </Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  </>
                )}
              </Flex>
            </Box>
          )}
        </Flex>
      </Layouts.Content>
    </Page.Main>
  );
}
