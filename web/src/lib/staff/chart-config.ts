// The Chart.js configuration of the dashboard's charts, as plain data. Rates always sit on a
// fixed 0-100 % axis: scaled to the data, 0.8 % would fill the whole width and look like success.
import type { ChartConfiguration } from 'chart.js';
import type { Series } from './dashboard.ts';
import { formatNumber, formatPercent } from './format.ts';

export interface ChartSpec {
  type: 'bar' | 'line';
  labels: string[];
  series: Series[];
  horizontal?: boolean;
  /** values are shares 0..1, shown as percentages on a 0-100 % axis */
  percent?: boolean;
}

/** The value axis as a short stable description (the figure carries it for tests and print). */
export const scaleOf = (spec: Pick<ChartSpec, 'percent'>): string => (spec.percent ? '0-100%' : 'auto');

export function chartConfig(spec: ChartSpec): ChartConfiguration {
  const { type, labels, series, horizontal = false, percent = false } = spec;
  const fmt = (v: number) => (percent ? formatPercent(v) : formatNumber(v, 1));
  const valueAxis = {
    beginAtZero: true,
    ...(percent ? { min: 0, max: 1 } : {}),
    ticks: { callback: (v: string | number) => fmt(Number(v)), precision: percent ? undefined : 0, stepSize: percent ? 0.2 : undefined, color: '#374151' },
    grid: { color: '#e5e7eb' },
  };
  const categoryAxis = { ticks: { color: '#374151', autoSkip: true }, grid: { display: false } };
  return {
    type,
    data: {
      labels,
      datasets: series.map((s) => ({
        type: s.kind ?? type,
        label: s.label,
        data: s.data,
        backgroundColor: s.color,
        borderColor: s.color,
        borderWidth: 2,
        pointRadius: 3,
        tension: 0.2,
      })),
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {
        legend: { display: series.length > 1, labels: { color: '#1b1f24' } },
        tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label ?? ''}: ${fmt(Number(horizontal ? ctx.parsed.x : ctx.parsed.y))}` } },
      },
      scales: horizontal ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis },
    },
  } as ChartConfiguration;
}
