// A table row's small line (the health board's messages per day over 30 days): uPlot, as every
// chart of the console (chart.tsx), kept light — no axes, legend or cursor, one small canvas — and
// drawn only when its row comes near the screen, so a board of hundreds or thousands of groups
// opens with its first screen's canvases only (measured: docs/insight.md#a-groups-health-page,
// `npm run bench -- sparklines`). The line is
// scaled to the row's own maximum, so a quiet group's shape still shows.

import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const WIDTH = 120;
const HEIGHT = 28;
/** The console's accent; a fixed colour (reading the element's style would recalculate the whole page's styles for each row). */
const STROKE = '#2d5786';

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
      // A little room under 0 so a quiet day's line is not cut by the edge.
      scales: { x: { time: false }, y: { range: [-max * 0.08, max * 1.08] } },
      axes: [{ show: false }, { show: false }],
      series: [{}, { stroke: STROKE, width: 1.5, points: { show: false } }],
    },
    [x, Array.from(values)],
    el,
  );
}

// One observer for every sparkline on the page (an observer each costs a check per row on every scroll).
const waiting = new Map<Element, () => void>();
let observer: IntersectionObserver | undefined;
function whenNear(el: Element, draw: () => void): () => void {
  observer ??= new IntersectionObserver(
    (entries) => {
      for (const e of entries) {
        const go = e.isIntersecting ? waiting.get(e.target) : undefined;
        if (!go) continue;
        waiting.delete(e.target);
        observer?.unobserve(e.target);
        go();
      }
    },
    { rootMargin: '300px 0px' },
  );
  waiting.set(el, draw);
  observer.observe(el);
  return () => {
    waiting.delete(el);
    observer?.unobserve(el);
  };
}

export function Sparkline({ values, label, testid }: { values: readonly number[]; label: string; testid?: string }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    let plot: uPlot | undefined;
    const forget = whenNear(el, () => {
      plot = draw(el, values);
    });
    return () => {
      forget();
      plot?.destroy();
    };
  }, [values]);
  return <div className="sparkline" ref={box} role="img" aria-label={label} title={label} data-testid={testid} style={{ width: WIDTH, height: HEIGHT, contain: 'strict' }} />;
}
