// The overview. With no groups yet it is the first-run page: try the demo workspace, or the four
// steps to start for real. Otherwise it counts what there is, and shows the operator's day
// (today.tsx): what needs someone, what is due, channels and runs in progress.

import { useState } from 'react';
import { Link } from 'react-router';
import { type ApiFailure, asFailure, post, useGet } from '../../api.ts';
import { useT } from '../../i18n/index.ts';
import { can, useUser } from '../../session.tsx';
import type { Channel, Group, SheetSummary } from '../../types.ts';
import { ErrorNote, Loading, Note, Progress } from '../../ui/feedback.tsx';
import { DemoSignIns } from './demo-sign-ins.tsx';
import { Today } from './today.tsx';

/** What `POST /api/demo` may tell: a sentence, and sign-ins made for the demo's group leaders. */
interface DemoAnswer {
  message?: string;
  leaders?: { name: string; password?: string }[];
  users?: { name: string; password?: string }[];
  /** The training-camp run the demo started. */
  run?: { id: string };
}

export function HomePage() {
  const t = useT();
  const groups = useGet<{ groups: Group[] }>('/api/groups');
  const channels = useGet<{ channels: Channel[] }>('/api/channels');
  const sheets = useGet<{ sheets: SheetSummary[] }>('/api/sheets');
  // Kept here, not in FirstSteps: once the demo's groups load, FirstSteps gives way to the counts.
  const [demo, setDemo] = useState<DemoAnswer | undefined>();

  if (groups.error) return <ErrorNote error={groups.error} onRetry={() => void groups.reload()} />;
  if (!groups.data) return <Loading />;
  const noGroups = groups.data.groups.length === 0;

  return (
    <div>
      <div className="page-head">
        <div>
          <h1>{t('home.title')}</h1>
          <p>{t('home.intro')}</p>
        </div>
      </div>
      {demo ? <DemoNote answer={demo} /> : <DemoSignIns />}
      {noGroups ? (
        <FirstSteps
          onDemoCreated={async (answer) => {
            setDemo(answer);
            await Promise.all([groups.reload(), channels.reload(), sheets.reload()]);
          }}
        />
      ) : (
        <>
          <div className="stats">
            <Link to="/groups" className="stat" data-testid="stat-groups">
              <b>{groups.data.groups.length}</b>
              <span>{t('home.statGroups')}</span>
            </Link>
            <Link to="/channels" className="stat" data-testid="stat-channels">
              <b>{channels.data?.channels.length ?? '…'}</b>
              <span>{t('home.statChannels')}</span>
            </Link>
            <Link to="/sheets" className="stat" data-testid="stat-sheets">
              <b>{sheets.data?.sheets.length ?? '…'}</b>
              <span>{t('home.statSheets')}</span>
            </Link>
            <Link to="/runs" className="stat">
              <b>→</b>
              <span>{t('home.toRuns')}</span>
            </Link>
          </div>
          <Today />
        </>
      )}
    </div>
  );
}

function DemoNote({ answer }: { answer: DemoAnswer }) {
  const t = useT();
  // The server's message names the sign-ins already; list them only when it gave none.
  const logins = answer.message ? [] : (answer.leaders ?? answer.users ?? []).filter((u) => u.password);
  return (
    <Note kind="success">
      <span data-testid="demo-done">{answer.message ?? t('home.demoDone')}</span>
      {answer.run?.id ? (
        <Link to={`/runs/${encodeURIComponent(answer.run.id)}`} data-testid="demo-run">
          {t('home.demoOpenRun')}
        </Link>
      ) : null}
      {logins.length ? (
        <span>
          {t('home.demoLogins')}{' '}
          {logins.map((l) => (
            <code key={l.name} style={{ marginRight: 8 }}>
              {l.name} / {l.password}
            </code>
          ))}
        </span>
      ) : null}
    </Note>
  );
}

function FirstSteps({ onDemoCreated }: { onDemoCreated: (answer: DemoAnswer) => Promise<void> }) {
  const t = useT();
  const user = useUser();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>();

  async function createDemo() {
    setBusy(true);
    setError(undefined);
    try {
      await onDemoCreated((await post<DemoAnswer>('/api/demo')) ?? {});
    } catch (e) {
      setError(asFailure(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="split">
      <section className="card" data-testid="demo-card">
        <h2 style={{ marginTop: 0 }}>{t('home.demoTitle')}</h2>
        <p>{t('home.demoBody')}</p>
        {can.manageChannels(user.role) ? (
          <button type="button" className="btn btn-primary" onClick={() => void createDemo()} disabled={busy} data-testid="demo-create">
            {busy ? t('home.demoCreating') : t('home.demoButton')}
          </button>
        ) : (
          <Note>{t('home.demoAdminOnly')}</Note>
        )}
        {busy ? (
          <div style={{ marginTop: 12 }}>
            <Progress label={t('home.demoCreating')} />
          </div>
        ) : null}
        {error ? <ErrorNote error={error} /> : null}
      </section>
      <section className="card">
        <h2 style={{ marginTop: 0 }}>{t('home.realTitle')}</h2>
        <ol className="home-steps">
          <li>
            <div>
              <Link to="/channels">{t('home.step1')}</Link>
              <div className="muted small">{t('home.step1Body')}</div>
            </div>
          </li>
          <li>
            <div>
              <Link to="/groups">{t('home.step2')}</Link>
              <div className="muted small">{t('home.step2Body')}</div>
            </div>
          </li>
          <li>
            <div>
              <Link to="/sheets">{t('home.step3')}</Link>
              <div className="muted small">{t('home.step3Body')}</div>
            </div>
          </li>
          <li>
            <div>
              <Link to="/runs">{t('home.step4')}</Link>
              <div className="muted small">{t('home.step4Body')}</div>
            </div>
          </li>
        </ol>
      </section>
    </div>
  );
}
