// The run board's grid: groups × steps, windowed. Only the rows in view (plus a margin) are in
// the DOM, each row is memoized and keeps its identity while its cells do not change
// (board-data.ts), and clicks are handled once on the grid, not per cell — so a 500 × 40 board
// scrolls smoothly and a refresh every few seconds re-renders only the rows that moved.

import { memo, type MouseEvent, useCallback, useLayoutEffect, useRef, useState } from 'react';
import type { Locale } from '../../i18n/index.ts';
import { operatorZone } from '../../time.ts';
import { type BoardRow, type BoardStep, visibleRange } from './board-data.ts';
import { NO_CELL, stateOfCode } from './states.ts';

export const ROW_HEIGHT = 30;
const HEADER_HEIGHT = 62;
export const CELL_WIDTH = 46;
const NAME_WIDTH = 210;
const CHUNK = 8;

export interface CellRef {
  groupIndex: number;
  stepIndex: number;
  ledgerId: number;
}

interface GridProps {
  rows: readonly BoardRow[];
  steps: readonly BoardStep[];
  locale: Locale;
  /** Translates a state name into the label for tooltips. */
  stateLabel: (state: string) => string;
  /** Cells in these state codes are shown; others dimmed. Empty: all shown. */
  highlight: ReadonlySet<number>;
  selected: CellRef | undefined;
  onSelect: (cell: CellRef) => void;
  groupLabel: string;
  stepLabel: string;
}

const headFormats = new Map<string, { day: Intl.DateTimeFormat; clock: Intl.DateTimeFormat }>();
/** Column heads in the operator's zone: "11/22" over "18:00" over the step id. */
function headFormat(locale: Locale): { day: Intl.DateTimeFormat; clock: Intl.DateTimeFormat } {
  let f = headFormats.get(locale);
  if (!f) {
    const tag = locale === 'zh' ? 'zh-CN' : 'en-GB';
    f = {
      day: new Intl.DateTimeFormat(tag, { timeZone: operatorZone(), month: 'numeric', day: 'numeric' }),
      clock: new Intl.DateTimeFormat(tag, { timeZone: operatorZone(), hour: '2-digit', minute: '2-digit', hour12: false }),
    };
    headFormats.set(locale, f);
  }
  return f;
}

export function BoardGrid({ rows, steps, locale, stateLabel, highlight, selected, onSelect, groupLabel, stepLabel }: GridProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const total = rows.length;
  const [range, setRange] = useState({ start: 0, end: Math.min(total, 40) });

  // Rows are rendered in blocks of CHUNK: scrolling inside a block changes nothing in React, so
  // most scroll frames cost only the browser's own scrolling.
  const measure = useCallback(() => {
    const el = scroller.current;
    if (!el) return;
    const r = visibleRange(Math.max(0, el.scrollTop - HEADER_HEIGHT), el.clientHeight, ROW_HEIGHT, total, 6);
    const start = Math.floor(r.start / CHUNK) * CHUNK;
    const end = Math.min(total, Math.ceil(r.end / CHUNK) * CHUNK);
    setRange((old) => (old.start === start && old.end === end ? old : { start, end }));
  }, [total]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [measure]);

  const onClick = useCallback(
    (e: MouseEvent<HTMLDivElement>) => {
      const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-ledger]');
      // The test id says where the cell is (`cell-<group>-<step>`): one attribute fewer per cell.
      const at = cell ? /^cell-(\d+)-(\d+)$/.exec(cell.dataset.testid ?? '') : null;
      if (!cell || !at) return;
      onSelect({ groupIndex: Number(at[1]), stepIndex: Number(at[2]), ledgerId: Number(cell.dataset.ledger) });
    },
    [onSelect],
  );

  const { start, end } = range;
  const width = NAME_WIDTH + steps.length * CELL_WIDTH;

  return (
    // Cells are buttons (Enter and Space click them); their clicks bubble to this one handler.
    // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard reaches the cells, which are buttons
    // biome-ignore lint/a11y/noStaticElementInteractions: one delegated handler instead of 20 000
    <div className="board-scroll" ref={scroller} onScroll={measure} onClick={onClick} data-testid="board-grid">
      <div style={{ width, height: HEADER_HEIGHT + rows.length * ROW_HEIGHT }}>
        <Head steps={steps} locale={locale} groupLabel={groupLabel} stepLabel={stepLabel} width={width} />
        <div style={{ height: start * ROW_HEIGHT }} />
        {rows.slice(start, end).map((row) => (
          <Row
            key={row.group.id}
            row={row}
            steps={steps}
            stateLabel={stateLabel}
            highlight={highlight}
            selectedStep={selected && selected.groupIndex === row.index ? selected.stepIndex : -1}
          />
        ))}
      </div>
    </div>
  );
}

/** The sticky column heads; memoized, so scrolling and refreshes never rebuild them. */
const Head = memo(function Head({
  steps,
  locale,
  groupLabel,
  stepLabel,
  width,
}: { steps: readonly BoardStep[]; locale: Locale; groupLabel: string; stepLabel: string; width: number }) {
  const fmt = headFormat(locale);
  return (
    <div className="board-head" style={{ height: HEADER_HEIGHT, width }}>
      <div className="board-corner" style={{ width: NAME_WIDTH }}>
        {groupLabel} \ {stepLabel}
      </div>
      {steps.map((s, i) => {
        const due = new Date(s.due);
        return (
          <div
            key={s.key}
            className="board-colhead"
            style={{ width: CELL_WIDTH }}
            title={`${s.step}${s.occurrence > 1 ? ` #${s.occurrence}` : ''} · ${s.action} · ${fmt.day.format(due)} ${fmt.clock.format(due)}`}
            data-testid={`step-${i}`}
          >
            <span className="board-colhead-time">{fmt.day.format(due)}</span>
            <span className="board-colhead-time">{fmt.clock.format(due)}</span>
            <span className="board-colhead-step">
              {s.step}
              {s.occurrence > 1 ? `·${s.occurrence}` : ''}
            </span>
          </div>
        );
      })}
    </div>
  );
});

interface RowProps {
  row: BoardRow;
  steps: readonly BoardStep[];
  stateLabel: (state: string) => string;
  highlight: ReadonlySet<number>;
  selectedStep: number;
}

const Row = memo(function Row({ row, steps, stateLabel, highlight, selectedStep }: RowProps) {
  const cells = [];
  for (let i = 0; i < steps.length; i++) {
    const code = row.states[i];
    const testid = `cell-${row.index}-${i}`;
    if (code === NO_CELL) {
      cells.push(<span key={i} className="cell cell-none" data-testid={testid} data-state="none" />);
      continue;
    }
    const state = stateOfCode(code) ?? row.unknown?.get(i) ?? 'unknown';
    const dim = highlight.size > 0 && !highlight.has(code);
    cells.push(
      <button
        key={i}
        type="button"
        className={`cell c-${state}${dim ? ' cell-dim' : ''}${selectedStep === i ? ' cell-selected' : ''}`}
        data-testid={testid}
        data-state={state}
        data-ledger={row.ledger[i]}
        title={`${row.group.name} · ${steps[i].step} · ${stateLabel(state)}`}
      />,
    );
  }
  return (
    <div className="board-row" style={{ height: ROW_HEIGHT }}>
      <div className="board-name" style={{ width: NAME_WIDTH }} title={row.group.leader ? `${row.group.name} · ${row.group.leader}` : row.group.name}>
        <span className="board-name-text">{row.group.name}</span>
        {row.group.leader ? <span className="board-name-leader">{row.group.leader}</span> : null}
        {row.attention ? <span className="board-name-flag">{row.attention}</span> : null}
      </div>
      {cells}
    </div>
  );
});
