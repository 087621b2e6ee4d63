import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Loader, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { BarChart } from '../components/BarChart';

interface LibraryProgress {
  key: string;
  nameZh: string;
  nameEn: string;
  target: number;
  selected: number;
}

/** Homepage widget: each library's selected resources against its target (the 100/100/100 goal). */
export function LibraryProgressWidget() {
  const { get } = useFetchClient();
  const { locale } = useIntl();
  const [libraries, setLibraries] = useState<LibraryProgress[] | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    get<{ data: LibraryProgress[] }>('/xinyu/widgets/library-progress').then(
      ({ data }) => setLibraries(data.data),
      () => setFailed(true)
    );
  }, [get]);
  if (failed) return <Typography textColor="danger600">{locale.startsWith('zh') ? '无法读取资源库进度' : 'Library progress could not be read'}</Typography>;
  if (!libraries) return <Loader small />;
  return (
    <BarChart
      testId="library-progress"
      bars={libraries.map((library) => ({
        label: locale.startsWith('zh') ? library.nameZh : library.nameEn,
        value: library.selected,
        max: library.target,
        caption: `${library.selected} / ${library.target}`,
      }))}
    />
  );
}
