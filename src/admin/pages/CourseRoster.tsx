import { useCallback, useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Badge, Box, Button, Checkbox, Flex, Loader, Table, Tbody, Td, TextInput, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient, useNotification } from '@strapi/strapi/admin';
import { errorMessage, useCan, useText } from '../components/text';

interface Course { documentId: string; title: string; code: string; tier: string; courseStatus: string; capacity: number; enrolledCount: number; schoolYear: string; startDate: string; endDate: string }
interface TeacherRef { documentId: string; name: string; staffNumber: string; school: string | null; positions?: string[] }
interface Enrolment { documentId: string; status: 'enrolled' | 'completed'; enrolledAt: string; completedAt: string | null; teacher: TeacherRef | null }

const text = {
  'zh-Hans': {
    title: '课程名单', subtitle: '培训课程的报名名单（本人管辖范围内的教师）：批量报名与结业', course: '课程', code: '课程代码', tier: '级别', status: '状态', seats: '已报名/名额', schoolYear: '学年', dates: '日期', open: '查看名单',
    roster: '报名名单', teacher: '教师', staffNumber: '工号', school: '学校', enrolledAt: '报名时间', empty: '本范围内暂无教师报名', noCourses: '暂无课程', selectAll: '全选',
    complete: '标记结业（计入学时）', add: '添加报名', search: '按姓名或工号搜索本范围教师', find: '搜索', enrolSelected: '报名所选教师', positions: '岗位', none: '没有找到教师',
    enrolled: (n: number) => `已为 ${n} 位教师报名`, completed: (n: number) => `已为 ${n} 位教师标记结业并计入学时`,
  },
  en: {
    title: 'Course rosters', subtitle: 'Who is enrolled on each training course (teachers of your scope): bulk enrolment and completion', course: 'Course', code: 'Code', tier: 'Tier', status: 'Status', seats: 'Enrolled/capacity', schoolYear: 'School year', dates: 'Dates', open: 'Roster',
    roster: 'Roster', teacher: 'Teacher', staffNumber: 'Staff no.', school: 'School', enrolledAt: 'Enrolled', empty: 'No teacher of your scope is enrolled', noCourses: 'No courses yet', selectAll: 'Select all',
    complete: 'Mark completed (credits the hours)', add: 'Enrol teachers', search: 'Search teachers of your scope by name or staff number', find: 'Search', enrolSelected: 'Enrol selected teachers', positions: 'Positions', none: 'No teacher found',
    enrolled: (n: number) => `${n} teacher(s) enrolled`, completed: (n: number) => `${n} teacher(s) completed; hours credited`,
  },
};

const toggleIn = (set: Set<string>, id: string) => {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
};

/** Courses → a course's roster of the scope's teachers; enrol several at once and mark them completed (src/workspace/training.ts). */
export default function CourseRosterPage() {
  const t = useText(text);
  const { formatMessage } = useIntl();
  const label = (value: string) => formatMessage({ id: value, defaultMessage: value });
  const { get, post } = useFetchClient();
  const { toggleNotification } = useNotification();
  const canChange = useCan('api::workspace.enrolments');
  const [courses, setCourses] = useState<Course[] | null>(null);
  const [course, setCourse] = useState<Course | null>(null);
  const [roster, setRoster] = useState<Enrolment[] | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<TeacherRef[] | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);

  const loadCourses = useCallback(async () => {
    const { data } = await get<{ data: Course[] }>('/xinyu/courses?pageSize=100');
    setCourses(data.data);
    return data.data;
  }, [get]);
  const loadRoster = useCallback(async (documentId: string) => {
    const { data } = await get<{ data: Enrolment[] }>(`/xinyu/courses/${documentId}/enrolments?pageSize=100`);
    setRoster(data.data);
    setSelected(new Set());
  }, [get]);
  useEffect(() => {
    loadCourses().catch(() => setCourses([]));
  }, [loadCourses]);

  const open = async (next: Course) => {
    setCourse(next);
    setRoster(null);
    setFound(null);
    setPicked(new Set());
    await loadRoster(next.documentId).catch((error) => toggleNotification({ type: 'danger', message: errorMessage(error) }));
  };

  const search = async () => {
    const { data } = await get<{ data: TeacherRef[] }>(`/xinyu/teachers?pageSize=50&q=${encodeURIComponent(query.trim())}`);
    setFound(data.data);
    setPicked(new Set());
  };

  const act = async (path: 'enrolments' | 'completions', teachers: string[], done: (n: number) => string) => {
    if (!course || teachers.length === 0) return;
    setBusy(true);
    try {
      await post(`/xinyu/courses/${course.documentId}/${path}`, { data: { teachers } });
      toggleNotification({ type: 'success', message: done(teachers.length) });
      setPicked(new Set());
      await loadRoster(course.documentId);
      const fresh = await loadCourses();
      setCourse(fresh.find((c) => c.documentId === course.documentId) ?? course);
    } catch (error) {
      toggleNotification({ type: 'danger', message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  const enrolledIds = new Set((roster ?? []).map((e) => e.teacher?.documentId));
  const completable = (roster ?? []).filter((e) => e.status === 'enrolled' && e.teacher);

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        {!courses ? (
          <Loader />
        ) : courses.length === 0 ? (
          <Box padding={8} background="neutral0" hasRadius><Typography>{t.noCourses}</Typography></Box>
        ) : (
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Table colCount={7} rowCount={courses.length + 1}>
              <Thead>
                <Tr>
                  {[t.course, t.code, t.tier, t.status, t.seats, t.dates, ''].map((h, i) => <Th key={i}><Typography variant="sigma">{h}</Typography></Th>)}
                </Tr>
              </Thead>
              <Tbody>
                {courses.map((c) => (
                  <Tr key={c.documentId} data-testid="course-row" data-code={c.code}>
                    <Td><Typography fontWeight={course?.documentId === c.documentId ? 'bold' : undefined}>{c.title}</Typography></Td>
                    <Td><Typography>{c.code}</Typography></Td>
                    <Td><Typography>{c.tier}</Typography></Td>
                    <Td><Badge>{label(c.courseStatus)}</Badge></Td>
                    <Td><Typography>{c.enrolledCount}/{c.capacity}</Typography></Td>
                    <Td><Typography>{c.startDate} – {c.endDate}</Typography></Td>
                    <Td><Button size="S" variant="secondary" onClick={() => open(c)} data-testid="course-open">{t.open}</Button></Td>
                  </Tr>
                ))}
              </Tbody>
            </Table>

            {course ? (
              <Box padding={4} background="neutral0" hasRadius shadow="tableShadow" data-testid="roster">
                <Flex direction="column" alignItems="stretch" gap={3}>
                  <Typography variant="delta">{t.roster}: {course.title}（{course.code}）</Typography>
                  {!roster ? (
                    <Loader small />
                  ) : roster.length === 0 ? (
                    <Typography data-testid="roster-empty">{t.empty}</Typography>
                  ) : (
                    <Table colCount={6} rowCount={roster.length + 1}>
                      <Thead>
                        <Tr>
                          <Th>{canChange ? <Checkbox aria-label={t.selectAll} checked={completable.length > 0 && selected.size === completable.length} onCheckedChange={(checked: boolean) => setSelected(checked ? new Set(completable.map((e) => e.teacher!.documentId)) : new Set())} /> : null}</Th>
                          {[t.teacher, t.staffNumber, t.school, t.status, t.enrolledAt].map((h) => <Th key={h}><Typography variant="sigma">{h}</Typography></Th>)}
                        </Tr>
                      </Thead>
                      <Tbody>
                        {roster.map((e) => (
                          <Tr key={e.documentId} data-testid="roster-row" data-staff={e.teacher?.staffNumber}>
                            <Td>
                              {canChange && e.status === 'enrolled' && e.teacher ? (
                                <Checkbox aria-label={e.teacher.name} checked={selected.has(e.teacher.documentId)} onCheckedChange={() => setSelected((s) => toggleIn(s, e.teacher!.documentId))} data-testid="roster-select" />
                              ) : null}
                            </Td>
                            <Td><Typography>{e.teacher?.name ?? '—'}</Typography></Td>
                            <Td><Typography>{e.teacher?.staffNumber ?? '—'}</Typography></Td>
                            <Td><Typography>{e.teacher?.school ?? '—'}</Typography></Td>
                            <Td><Badge active={e.status === 'completed'} data-testid="roster-status">{label(e.status)}</Badge></Td>
                            <Td><Typography>{new Date(e.enrolledAt).toLocaleDateString()}</Typography></Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  )}
                  {canChange ? (
                    <Flex>
                      <Button disabled={busy || selected.size === 0} onClick={() => act('completions', [...selected], t.completed)} data-testid="roster-complete">
                        {t.complete} ({selected.size})
                      </Button>
                    </Flex>
                  ) : null}
                </Flex>
              </Box>
            ) : null}

            {course && canChange ? (
              <Box padding={4} background="neutral0" hasRadius shadow="tableShadow" data-testid="enrol-panel">
                <Flex direction="column" alignItems="stretch" gap={3}>
                  <Typography variant="delta">{t.add}</Typography>
                  <Flex gap={2}>
                    <Box flex="1">
                      <TextInput aria-label={t.search} placeholder={t.search} name="q" value={query} onChange={(e: React.ChangeEvent<HTMLInputElement>) => setQuery(e.target.value)} onKeyDown={(e: React.KeyboardEvent) => e.key === 'Enter' && search()} data-testid="teacher-search" />
                    </Box>
                    <Button variant="secondary" onClick={search} data-testid="teacher-search-go">{t.find}</Button>
                  </Flex>
                  {found && found.length === 0 ? <Typography data-testid="teacher-none">{t.none}</Typography> : null}
                  {found && found.length > 0 ? (
                    <Table colCount={5} rowCount={found.length + 1}>
                      <Thead>
                        <Tr>
                          <Th>{null}</Th>
                          {[t.teacher, t.staffNumber, t.school, t.positions].map((h) => <Th key={h}><Typography variant="sigma">{h}</Typography></Th>)}
                        </Tr>
                      </Thead>
                      <Tbody>
                        {found.map((teacher) => (
                          <Tr key={teacher.documentId} data-testid="teacher-row" data-staff={teacher.staffNumber}>
                            <Td>
                              <Checkbox aria-label={teacher.name} disabled={enrolledIds.has(teacher.documentId)} checked={picked.has(teacher.documentId)} onCheckedChange={() => setPicked((s) => toggleIn(s, teacher.documentId))} data-testid="teacher-pick" />
                            </Td>
                            <Td><Typography>{teacher.name}</Typography></Td>
                            <Td><Typography>{teacher.staffNumber}</Typography></Td>
                            <Td><Typography>{teacher.school ?? '—'}</Typography></Td>
                            <Td><Typography>{(teacher.positions ?? []).map(label).join('、')}</Typography></Td>
                          </Tr>
                        ))}
                      </Tbody>
                    </Table>
                  ) : null}
                  <Flex>
                    <Button disabled={busy || picked.size === 0} onClick={() => act('enrolments', [...picked], t.enrolled)} data-testid="enrol-selected">
                      {t.enrolSelected} ({picked.size})
                    </Button>
                  </Flex>
                </Flex>
              </Box>
            ) : null}
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
}
