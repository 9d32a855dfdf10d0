// A table row's small line (the health board's messages per day over 30 days): uPlot, as every
// chart of the console (chart.tsx), kept light — no axes, legend or cursor, one small canvas — and
// drawn only when its row comes near the screen, so a board of hundreds or thousands of groups
// opens as fast as its first screen (measured: docs/insight.md#using-group-health). The line is
// scaled to the row's own maximum, so a quiet group's shape still shows.

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const WIDTH = 120;
const HEIGHT = 28;

function draw(el: HTMLElement, values: readonly number[]): uPlot {
  const x = values.map((_v, i) => i);
  const max = Math.max(1, ...values);
  return new uPlot(
    {
      width: WIDTH,
      height: HEIGHT,
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      legend: { show: false },
      scales: { x: { time: false }, y: { range: [0, max * 1.08] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: getComputedStyle(el).color || '#2d5786', width: 1.5, points: { show: false } }],
    },
    [x, Array.from(values)],
    el,
  );
}

export function Sparkline({ values, label, testid }: { values: readonly number[]; label: string; testid?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | undefined;
    const near = new IntersectionObserver(
      (entries) => {
        if (plot || !entries.some((e) => e.isIntersecting)) return;
        plot = draw(el, values);
        near.disconnect();
      },
      { rootMargin: '300px 0px' },
    );
    near.observe(el);
    return () => {
      near.disconnect();
      plot?.destroy();
    };
  }, [values]);
  return <div className="sparkline" ref={box} role="img" aria-label={label} title={label} data-testid={testid} style={{ width: WIDTH, height: HEIGHT }} />;
}
