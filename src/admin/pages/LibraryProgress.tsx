import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Box, Flex, Grid, Loader, Typography } from '@strapi/design-system';
import { Layouts, Page, useFetchClient } from '@strapi/strapi/admin';
import themesFile from '../../../database/reference/themes.json';
import { BarChart, type Bar } from '../components/BarChart';
import { errorMessage, useText } from '../components/text';

interface Progress {
  key: string;
  nameZh: string;
  nameEn: string;
  target: number;
  selected: number;
  remaining: number;
  byGradeBand: Record<string, number>;
  byTheme: Record<string, number>;
  byYear: Record<string, number>;
}

const text = {
  'zh-Hans': {
    title: '资源库进度', subtitle: '三个资源库距“100/100/100”目标的进度，以及入选资源按学段、主题、年度的分布', overall: '总体进度',
    target: '目标', selected: '已入选', remaining: '尚缺', byGradeBand: '按学段', byTheme: '按主题', byYear: '按年度', none: '暂无入选资源', failed: '无法读取资源库进度',
    of: (n: number, total: number) => `${n} / ${total}`, items: (n: number) => `${n} 个`,
  },
  en: {
    title: 'Library progress', subtitle: 'Each library toward the 100/100/100 goal, and its selected resources by grade band, theme and year', overall: 'Overall',
    target: 'Target', selected: 'Selected', remaining: 'Remaining', byGradeBand: 'By grade band', byTheme: 'By theme', byYear: 'By year', none: 'Nothing selected yet', failed: 'Library progress could not be read',
    of: (n: number, total: number) => `${n} / ${total}`, items: (n: number) => `${n}`,
  },
};

/** The researchers' library progress: per library target, selected and remaining, with its distributions as bars. */
export default function LibraryProgressPage() {
  const t = useText(text);
  const { locale, formatMessage } = useIntl();
  const zh = locale.startsWith('zh');
  const { get } = useFetchClient();
  const [libraries, setLibraries] = useState<Progress[] | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    get<{ data: Progress[] }>('/xinyu/widgets/library-progress').then(
      ({ data }) => setLibraries(data.data),
      (error) => setFailed(errorMessage(error))
    );
  }, [get]);

  const themeName = (slug: string) => {
    const theme = themesFile.themes.find((candidate) => candidate.slug === slug);
    return theme ? (zh ? theme.nameZh : theme.nameEn) : slug;
  };
  // Each distribution's bars measure against the library's selected total.
  const bars = (counts: Record<string, number>, total: number, label: (key: string) => string): Bar[] =>
    Object.entries(counts).map(([key, value]) => ({ label: label(key), value, max: total, caption: t.items(value) }));

  return (
    <Page.Main>
      <Page.Title>{t.title}</Page.Title>
      <Layouts.Header title={t.title} subtitle={t.subtitle} />
      <Layouts.Content>
        {failed ? (
          <Typography textColor="danger600">{`${t.failed}: ${failed}`}</Typography>
        ) : !libraries ? (
          <Loader />
        ) : (
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Box padding={6} background="neutral0" hasRadius shadow="tableShadow">
              <Typography variant="delta" tag="h2">{t.overall}</Typography>
              <Box paddingTop={4}>
                <BarChart
                  testId="library-page-totals"
                  bars={libraries.map((library) => ({ label: zh ? library.nameZh : library.nameEn, value: library.selected, max: library.target, caption: t.of(library.selected, library.target) }))}
                />
              </Box>
            </Box>
            {libraries.map((library) => (
              <Box key={library.key} padding={6} background="neutral0" hasRadius shadow="tableShadow" data-testid="library-card" data-library={library.key}>
                <Flex justifyContent="space-between" alignItems="baseline" wrap="wrap" gap={4}>
                  <Typography variant="delta" tag="h2">{zh ? library.nameZh : library.nameEn}</Typography>
                  <Flex gap={6}>
                    {([[t.target, library.target, 'target'], [t.selected, library.selected, 'selected'], [t.remaining, library.remaining, 'remaining']] as const).map(([label, value, key]) => (
                      <Flex key={key} direction="column" alignItems="flex-end">
                        <Typography variant="sigma" textColor="neutral600">{label}</Typography>
                        <Typography variant="beta" data-testid={`library-${key}`}>{value}</Typography>
                      </Flex>
                    ))}
                  </Flex>
                </Flex>
                {library.selected === 0 ? (
                  <Box paddingTop={4}><Typography textColor="neutral600">{t.none}</Typography></Box>
                ) : (
                  <Grid.Root gap={6} paddingTop={4}>
                    {([
                      [t.byGradeBand, `${library.key}-grade-bands`, bars(library.byGradeBand, library.selected, (band) => formatMessage({ id: band, defaultMessage: band }))],
                      [t.byTheme, `${library.key}-themes`, bars(library.byTheme, library.selected, themeName)],
                      [t.byYear, `${library.key}-years`, bars(library.byYear, library.selected, (year) => year)],
                    ] as const).map(([label, testId, chart]) => (
                      <Grid.Item key={testId} col={4} s={12} direction="column" alignItems="stretch">
                        <Typography variant="sigma" textColor="neutral600">{label}</Typography>
                        <Box paddingTop={2}><BarChart testId={testId} bars={chart} /></Box>
                      </Grid.Item>
                    ))}
                  </Grid.Root>
                )}
              </Box>
            ))}
          </Flex>
        )}
      </Layouts.Content>
    </Page.Main>
  );
}
