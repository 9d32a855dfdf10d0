// The console's charts: uPlot (small, canvas, made for many time series), wrapped once here so
// every page draws the same way. A chart takes its x values (days as Unix seconds, or the indexes
// of named categories) and one or more series, each a line or bars; it follows its box's width.
// The numbers stay readable without the picture: the legend under it shows the values at the
// pointer, and `label` names the chart for screen readers.

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './chart.css';

export interface Series {
  label: string;
  values: readonly (number | null)[];
  /** Bars instead of a line. */
  bars?: boolean;
  /** CSS colour; the palette's next one by default. */
  color?: string;
  /** How a value reads in the legend (a share as a percentage, say). */
  format?: (v: number) => string;
}

export interface ChartProps {
  /** Days (Unix seconds, local midnight) or, with `categories`, 0 … n − 1. */
  x: readonly number[];
  series: readonly Series[];
  /** Names of the x values (funnel stages, cohort weeks) instead of dates. */
  categories?: readonly string[];
  label: string;
  /** What the x values are, in the legend (a stage, a day); none by default (uPlot's own word is English). */
  xLabel?: string;
  height?: number;
  /** The y axis from 0 to 1, shown as percentages. */
  share?: boolean;
  testid?: string;
}

const PALETTE = ['#2f6fde', '#e0892b', '#2f9e6b', '#c0392b', '#7d5bbe', '#6b7280'];
const pct = (v: number) => `${Math.round(v * 100)}%`;

function options(p: ChartProps, width: number): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.6, 48] });
  return {
    width,
    height: p.height ?? 220,
    scales: {
      x: p.categories ? { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] } : { time: true },
      y: p.share ? { range: [0, 1] } : { range: (_u, _min, max) => [0, Math.max(1, max * 1.1)] },
    },
    axes: [
      p.categories
        ? { values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (p.categories?.[t] ?? '') : '')), splits: () => p.categories!.map((_c, i) => i) }
        : {},
      { values: (_u, ticks) => ticks.map((t) => (p.share ? pct(t) : String(Math.round(t * 100) / 100))), size: 50 },
    ],
    series: [
      p.categories ? { label: p.xLabel ?? '', value: (_u, v) => (v == null ? '' : (p.categories?.[v] ?? '')) } : { label: p.xLabel ?? '' },
      ...p.series.map((s, i) => {
        const color = s.color ?? PALETTE[i % PALETTE.length];
        const format = s.format ?? (p.share ? pct : (v: number) => String(v));
        return {
          label: s.label,
          stroke: color,
          width: s.bars ? 0 : 2,
          fill: s.bars ? color : undefined,
          paths: s.bars ? bars : undefined,
          points: { show: !s.bars && p.x.length <= 31 },
          value: (_u: uPlot, v: number | null) => (v == null ? '—' : format(v)),
        };
      }),
    ],
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
  };
}

export function Chart(props: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const data = [Array.from(props.x), ...props.series.map((s) => Array.from(s.values))] as uPlot.AlignedData;
    const plot = new uPlot(options(props, Math.max(240, el.clientWidth)), data, el);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(240, el.clientWidth), height: props.height ?? 220 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props]);
  return <div className="chart" ref={box} role="img" aria-label={props.label} data-testid={props.testid} />;
}
