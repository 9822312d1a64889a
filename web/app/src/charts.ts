// The lab's charts, drawn with ECharts (the charting library the audit report uses too): estimates with their
// interval whiskers, and signed bars for a gap's rule lines. SVG renderer (crisp at any zoom, text searchable); only
// the pieces used are imported, and this file is reached only from the lab's chunk. Every chart sits beside a table
// holding the same numbers (the table is what a screen reader reads; the chart is aria-hidden).
import { BarChart, CustomChart, ScatterChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use, type ComposeOption } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import type { BarSeriesOption, CustomSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import type { GridComponentOption, LegendComponentOption, TooltipComponentOption } from 'echarts/components';
import { h } from './dom.js';

use([BarChart, CustomChart, ScatterChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

type Option = ComposeOption<
  | BarSeriesOption
  | CustomSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TooltipComponentOption
>;

/** One estimate of a series: a point with its interval (null when the audit gave none). */
export interface Estimate {
  value: number;
  interval: [number, number] | null;
}
export interface Series {
  name: string;
  values: Estimate[];
}

const COLORS = ['#1f5fa8', '#b35900'];
const FONT = { fontSize: 12, color: '#222' };

/**
 * A chart container drawn once it is in the page (the app inserts a view's nodes right after building them).
 * `data-chart` names the chart for tests; the drawn SVG lands inside it.
 */
function mount(kind: string, height: number, option: (width: number) => Option): HTMLElement {
  const el = h('div', { class: 'chart', 'data-chart': kind, 'aria-hidden': 'true' });
  el.style.height = `${height}px`;
  requestAnimationFrame(() => {
    if (!el.isConnected) return;
    const chart = init(el, undefined, { renderer: 'svg' });
    chart.setOption(option(el.clientWidth));
    new ResizeObserver(() => chart.resize()).observe(el);
  });
  return el;
}

/** Points with interval whiskers per category (one series per pack), categories on the vertical axis. */
export function intervalChart(
  kind: string,
  categories: string[],
  series: Series[],
  axis: string,
): HTMLElement {
  const n = series.length;
  // Series share a category row; each is nudged up or down so whiskers of two packs do not overlap.
  const offset = (s: number) => (n === 1 ? 0 : (s - (n - 1) / 2) * 0.3);
  const option = (w: number): Option => ({
    animation: false,
    textStyle: FONT,
    legend: n > 1 ? { top: 0, textStyle: FONT } : undefined,
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 24, top: n > 1 ? (w < 500 ? 52 : 28) : 8, bottom: 32, containLabel: true },
    xAxis: {
      type: 'value',
      name: axis,
      nameLocation: 'middle',
      nameGap: 24,
      scale: true,
      splitNumber: w < 500 ? 3 : 5,
      axisLabel: { ...FONT, hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      data: categories,
      inverse: true,
      axisLabel: { ...FONT, width: Math.min(180, w * 0.35), overflow: 'truncate' },
    },
    series: series.flatMap((s, si): (ScatterSeriesOption | CustomSeriesOption)[] => [
      {
        type: 'scatter',
        name: s.name,
        color: COLORS[si % COLORS.length],
        symbolSize: 8,
        data: s.values.map((v, i) => [v.value, i]),
        symbolOffset: [0, offset(si) * 40],
      },
      {
        type: 'custom',
        name: s.name,
        color: COLORS[si % COLORS.length],
        // Both ends on the value axis (so the axis extends to cover the whiskers), the row on the category axis.
        encode: { x: [0, 1], y: 2 },
        data: s.values.map((v, i) => (v.interval ? [v.interval[0], v.interval[1], i] : ['-', '-', i])),
        renderItem: (_params, api) => {
          const lo = api.value(0) as number;
          const hi = api.value(1) as number;
          if (!Number.isFinite(lo) || !Number.isFinite(hi)) return { type: 'group', children: [] };
          const row = api.value(2) as number;
          const a = api.coord([lo, row]) as number[];
          const b = api.coord([hi, row]) as number[];
          const dy = offset(si) * 40;
          const y = a[1]! + dy;
          const style = { stroke: COLORS[si % COLORS.length], lineWidth: 1.5 };
          return {
            type: 'group',
            children: [
              { type: 'line', shape: { x1: a[0]!, y1: y, x2: b[0]!, y2: y }, style },
              { type: 'line', shape: { x1: a[0]!, y1: y - 5, x2: a[0]!, y2: y + 5 }, style },
              { type: 'line', shape: { x1: b[0]!, y1: y - 5, x2: b[0]!, y2: y + 5 }, style },
            ],
          };
        },
      },
    ]),
  });
  return mount(kind, Math.max(160, 40 + categories.length * 28), option);
}

/** Signed horizontal bars: each rule line's share of a gap. */
export function barChart(kind: string, categories: string[], values: number[], axis: string): HTMLElement {
  const option = (w: number): Option => ({
    animation: false,
    textStyle: FONT,
    tooltip: { trigger: 'item' },
    grid: { left: 8, right: 24, top: 8, bottom: 32, containLabel: true },
    xAxis: {
      type: 'value',
      name: axis,
      nameLocation: 'middle',
      nameGap: 24,
      splitNumber: w < 500 ? 3 : 5,
      axisLabel: { ...FONT, hideOverlap: true },
    },
    yAxis: {
      type: 'category',
      data: categories,
      inverse: true,
      axisLabel: { ...FONT, width: Math.min(220, w * 0.45), overflow: 'truncate' },
    },
    series: [
      {
        type: 'bar',
        data: values.map((v) => ({ value: v, itemStyle: { color: v < 0 ? COLORS[1] : COLORS[0] } })),
      },
    ],
  });
  return mount(kind, Math.max(140, 40 + categories.length * 26), option);
}
