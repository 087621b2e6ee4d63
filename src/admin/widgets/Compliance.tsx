import { useEffect, useState } from 'react';
import { useIntl } from 'react-intl';
import { Loader, Typography } from '@strapi/design-system';
import { useFetchClient } from '@strapi/strapi/admin';
import { BarChart } from '../components/BarChart';

interface Area {
  area: string;
  teachers: number;
  meeting: number;
  share: number;
}
interface Compliance {
  schoolYear: string;
  level: 'district' | 'school';
  areas: Area[];
}

/** Homepage widget: this school year's share of teachers meeting their hours, per district (city) or school (district, school). */
export function ComplianceWidget() {
  const { get } = useFetchClient();
  const { locale } = useIntl();
  const zh = locale.startsWith('zh');
  const [report, setReport] = useState<Compliance | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    get<{ data: Compliance }>('/xinyu/widgets/compliance').then(
      ({ data }) => setReport(data.data),
      () => setFailed(true)
    );
  }, [get]);
  if (failed) return <Typography textColor="danger600">{zh ? '无法读取学时达标情况' : 'Compliance could not be read'}</Typography>;
  if (!report) return <Loader small />;
  if (report.areas.length === 0) return <Typography textColor="neutral600">{zh ? '本学年暂无数据' : 'No data for this school year yet'}</Typography>;
  return (
    <>
      <Typography variant="pi" textColor="neutral600">{zh ? `${report.schoolYear} 学年 · 达标人次 / 应达标人次` : `School year ${report.schoolYear} · meeting / required (per position)`}</Typography>
      <BarChart
        testId="compliance"
        bars={report.areas.map((area) => ({
          label: area.area,
          value: area.meeting,
          max: area.teachers,
          caption: `${area.meeting} / ${area.teachers} (${Math.round(area.share * 100)}%)`,
        }))}
      />
    </>
  );
}
