// The run board: every group × every step of a run, coloured by ledger state, refreshed every few
// seconds; "what needs me" narrows it to the groups with a failed, missed or unconfirmed cell;
// a click opens the cell's details.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { translate, useLocale, useT } from '../../i18n/index.ts';
import { usePeople } from '../../people.tsx';
import { ErrorNote, Loading } from '../../ui/feedback.tsx';
import { When } from '../../ui/when.tsx';
import { type BoardResponse, countStates, filterRows, type ShapedBoard, shapeBoard } from './board-data.ts';
import { CheckinSummary } from '../checkins/checkin-summary.tsx';
import { BoardGrid, type CellRef } from './board-grid.tsx';
import { CellDetails } from './cell-details.tsx';
import { EffectSummary } from './effect-summary.tsx';
import { findCell } from './cell-link.ts';
import { usePolling } from './polling.ts';
import { RunControls } from './run-controls.tsx';
import { ATTENTION, BOARD_STATES, stateCode, stateOfCode } from './states.ts';
import './runs.css';

/** How often the board asks for news: often enough to watch sends land, cheap for the server. */
const REFRESH_MS = 4000;

export function BoardPage() {
  const { id = '' } = useParams();
  const t = useT();
  const locale = useLocale();
  const [attention, setAttention] = useState(false);
  const [effect, setEffect] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<number>>(new Set());
  const [text, setText] = useState('');
  const [selected, setSelected] = useState<CellRef | undefined>();
  const path = `/api/runs/${encodeURIComponent(id)}/board${attention ? '?attention=1' : ''}`;
  const { data: raw, error, refresh, loadedAt } = usePolling<BoardResponse>(path, REFRESH_MS);
  const { nameOf, ready } = usePeople();
  // Leaders by display name (the search box finds them by it too).
  // biome-ignore lint/correctness/useExhaustiveDependencies: `ready` is the trigger: names arrive once the team is loaded
  const data = useMemo(() => (raw ? { ...raw, groups: raw.groups.map((g) => ({ ...g, leader: g.leader ? nameOf(g.leader) : null })) } : undefined), [raw, ready]);

  const shapedRef = useRef<ShapedBoard | undefined>(undefined);
  const shaped = useMemo(() => {
    if (!data) return undefined;
    const s = shapeBoard(data, shapedRef.current);
    shapedRef.current = s;
    return s;
  }, [data]);

  // ?cell=<ledger id> (a link from the Overview): open that cell once the board is there.
  const [params] = useSearchParams();
  const linkedCell = Number(params.get('cell')) || 0;
  const opened = useRef(0);
  useEffect(() => {
    if (!shaped || !linkedCell || opened.current === linkedCell) return;
    opened.current = linkedCell;
    const ref = findCell(shaped.rows, linkedCell);
    if (ref) setSelected(ref);
  }, [shaped, linkedCell]);

  const rows = useMemo(() => (shaped ? filterRows(shaped.rows, { states: picked, text }) : []), [shaped, picked, text]);
  const counts = useMemo(() => countStates(shaped?.rows ?? [], BOARD_STATES), [shaped]);
  // Stable per language: the memoized rows re-render only when their own cells change.
  const stateLabel = useCallback((s: string) => translate(locale, `runs.state_${s}`), [locale]);
  const togglePick = (code: number) =>
    setPicked((p) => {
      const next = new Set(p);
      if (next.has(code)) next.delete(code);
      else next.add(code);
      return next;
    });

  if (!data && error) return <ErrorNote error={error} onRetry={refresh} />;
  if (!data || !shaped) return <Loading />;

  const run = data.run;
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const needs = ATTENTION.reduce((n, s) => n + (counts[s] ?? 0), 0);
  // The selected cell, found again after a refresh (its group may have moved out of a filter).
  const selRow = selected ? shaped.rows[selected.groupIndex] : undefined;
  const selState = selRow && selected ? (stateOfCode(selRow.states[selected.stepIndex]) ?? 'unknown') : undefined;

  return (
    <div className="board-page">
      <div className="page-head">
        <div>
          <div className="muted small">
            <Link to={run.kind === 'broadcast' ? `/command/${encodeURIComponent(run.id)}` : '/runs'}>
              {run.kind === 'broadcast' ? t('runs.backToBroadcast') : t('runs.backToRuns')}
            </Link>
          </div>
          <h1 data-testid="board-title">{run.kind === 'broadcast' ? t('runs.broadcastTitle', { text: run.title }) : run.title}</h1>
          <div className="card-meta">
            <span className={`badge run-state run-state-${run.state}`} data-testid="run-state">
              {t(`runs.runState_${run.state}`)}
            </span>
            {run.sheet ? (
              <span title={`${run.sheet.id}@${run.sheet.version}`}>{t('runs.sheetVersion', { version: run.sheet.version })}</span>
            ) : null}
            {run.anchor ? (
              <span>
                {t('runs.anchor')}: <When iso={run.anchor} zone={run.timezone} />
              </span>
            ) : null}
            {run.deadline ? (
              <span>
                {t('runs.deadline')}: <When iso={run.deadline} zone={run.timezone} />
              </span>
            ) : null}
            <span>{t('runs.groupsCount', { count: data.groups.length })}</span>
            <span>{t('runs.actionsCount', { count: total })}</span>
          </div>
        </div>
        <RunControls run={run} onChanged={refresh} />
      </div>

      <div className="board-toolbar">
        <button
          type="button"
          className={`btn btn-small${attention ? ' btn-primary' : ''}`}
          aria-pressed={attention}
          onClick={() => {
            setAttention((a) => !a);
            setSelected(undefined);
          }}
          data-testid="filter-attention"
        >
          {t('runs.needsMe')}
          {!attention && needs ? <span className="count-pill">{needs}</span> : null}
        </button>
        <button type="button" className={`btn btn-small${effect ? ' btn-primary' : ''}`} aria-pressed={effect} onClick={() => setEffect((e) => !e)} data-testid="toggle-effect">
          {t('runs.effectToggle')}
        </button>
        <input
          type="search"
          className="board-search"
          placeholder={t('runs.findGroup')}
          value={text}
          onChange={(e) => setText(e.target.value)}
          aria-label={t('runs.findGroup')}
          data-testid="filter-text"
        />
        {picked.size ? (
          <button type="button" className="btn btn-quiet btn-small" onClick={() => setPicked(new Set())} data-testid="filter-clear">
            {t('runs.clearFilter')}
          </button>
        ) : null}
        <span className="muted small board-refreshed" aria-live="off">
          {error ? <span className="badge badge-warn">{t('runs.refreshFailed')}</span> : null}
          {loadedAt ? t('runs.updatedAt', { time: loadedAt.toLocaleTimeString(locale === 'zh' ? 'zh-CN' : 'en-GB') }) : null}
        </span>
      </div>

      <ul className="legend" aria-label={t('runs.legend')} data-testid="legend">
        {BOARD_STATES.map((s) => {
          const code = stateCode(s);
          const on = picked.has(code);
          return (
            <li key={s}>
              <button
                type="button"
                className={`legend-item${on ? ' on' : ''}${counts[s] ? '' : ' zero'}`}
                aria-pressed={on}
                onClick={() => togglePick(code)}
                title={t(`runs.stateHelp_${s}`)}
                data-testid={`filter-state-${s}`}
              >
                <span className={`swatch c-${s}`} aria-hidden="true" />
                {t(`runs.state_${s}`)}
                <span className="legend-count">{counts[s] ?? 0}</span>
              </button>
            </li>
          );
        })}
      </ul>

      {effect ? <EffectSummary runId={run.id} /> : null}

      {shaped.steps.some((s) => s.action === 'checkin') ? <CheckinSummary runId={run.id} groupName={(g) => data.groups.find((x) => x.id === g)?.name ?? g} /> : null}

      <div className={`board-layout${selected ? ' with-panel' : ''}`}>
        {rows.length ? (
          <BoardGrid
            rows={rows}
            steps={shaped.steps}
            locale={locale}
            stateLabel={stateLabel}
            highlight={picked}
            selected={selected}
            onSelect={setSelected}
            groupLabel={t('runs.group')}
            stepLabel={t('runs.step')}
          />
        ) : (
          <div className="empty" data-testid="board-empty">
            <h3>{attention ? t('runs.nothingNeedsYou') : t('runs.noGroupsMatch')}</h3>
            <p className="empty-body">{attention ? t('runs.nothingNeedsYouBody') : t('runs.noGroupsMatchBody')}</p>
          </div>
        )}
        {selected && selState ? (
          <CellDetails
            ledgerId={selected.ledgerId}
            state={selState}
            zone={selRow?.group.timezone ?? run.timezone}
            onClose={() => setSelected(undefined)}
            onChanged={refresh}
          />
        ) : null}
      </div>
    </div>
  );
}
