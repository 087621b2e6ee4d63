import { Box, Flex, Typography } from '@strapi/design-system';

export interface Bar {
  label: string;
  value: number;
  /** Where the bar is measured against (a target, or the whole): drawn as the track. */
  max: number;
  caption: string;
}

/** Horizontal bars in plain SVG (the design system draws no charts): one row per bar, value against its max. */
export function BarChart({ bars, testId }: { bars: Bar[]; testId: string }) {
  return (
    <Flex direction="column" alignItems="stretch" gap={3} data-testid={testId}>
      {bars.map((bar) => {
        const share = bar.max > 0 ? Math.min(1, bar.value / bar.max) : 0;
        return (
          <Box key={bar.label} data-testid={`${testId}-bar`} data-label={bar.label} data-value={bar.value} data-max={bar.max}>
            <Flex justifyContent="space-between">
              <Typography variant="omega" fontWeight="semiBold">{bar.label}</Typography>
              <Typography variant="pi" textColor="neutral600">{bar.caption}</Typography>
            </Flex>
            <svg width="100%" height="12" role="img" aria-label={`${bar.label}: ${bar.caption}`} viewBox="0 0 100 12" preserveAspectRatio="none">
              <rect x="0" y="2" width="100" height="8" rx="4" fill="#eaeaef" />
              <rect x="0" y="2" width={share * 100} height="8" rx="4" fill={share >= 1 ? '#328048' : '#4945ff'} />
            </svg>
          </Box>
        );
      })}
    </Flex>
  );
}
