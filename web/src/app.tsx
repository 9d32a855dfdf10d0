// The console's shell: the sign-in gate (create the owner → sign in), the layout (navigation on
// the left on desktop, a compact menu on phones; the language switch in the header) and the
// routes. Each area's pages live in `pages/<area>/`.

import { type ComponentType, lazy, type ReactNode, Suspense, useEffect, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Outlet, Route, Routes, useLocation } from 'react-router';
import { type Locale, LOCALES, loadCatalogs, useLocale, useT } from './i18n/index.ts';
import { NotFoundPage } from './pages/home/not-found-page.tsx';
import { LeaderPage } from './pages/leader/leader-page.tsx';
import { SignInPage } from './pages/session/sign-in-page.tsx';
import { SetupPage } from './pages/session/setup-page.tsx';
import { type Role, SessionProvider, useSession, useUser } from './session.tsx';
import { ErrorNote, Loading } from './ui/feedback.tsx';

// Each page is its own chunk, loaded when first opened, so a leader's phone downloads the shell and
// the leader page only (the editor's CodeMirror and YAML reader, the launch form's date library
// stay on the server until someone opens them). The leader page is in the main chunk: it is the
// first screen on a phone, where one more round trip costs half a second.
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => {
    // The page's strings come with it (the main script has only the first screens').
    const [m] = await Promise.all([load(), loadCatalogs().catch(() => undefined)]);
    return { default: m[name] };
  });
const HomePage = page(() => import('./pages/home/home-page.tsx'), 'HomePage');
const SheetLibraryPage = page(() => import('./pages/sheets/library-page.tsx'), 'SheetLibraryPage');
const SheetEditorPage = page(() => import('./pages/sheets/editor-page.tsx'), 'SheetEditorPage');
const SheetImportPage = page(() => import('./pages/sheets/import-page.tsx'), 'SheetImportPage');
const SheetHistoryPage = page(() => import('./pages/sheets/history-page.tsx'), 'SheetHistoryPage');
const GroupsPage = page(() => import('./pages/groups/groups-page.tsx'), 'GroupsPage');
const ChannelsPage = page(() => import('./pages/channels/channels-page.tsx'), 'ChannelsPage');
const RunsPage = page(() => import('./pages/runs/runs-page.tsx'), 'RunsPage');
const LaunchPage = page(() => import('./pages/runs/launch-page.tsx'), 'LaunchPage');
const BoardPage = page(() => import('./pages/runs/board-page.tsx'), 'BoardPage');
const CommandPage = page(() => import('./pages/command/command-page.tsx'), 'CommandPage');
const BroadcastPage = page(() => import('./pages/command/broadcast-page.tsx'), 'BroadcastPage');
const TeamPage = page(() => import('./pages/team/team-page.tsx'), 'TeamPage');
const PeopleRulesPage = page(() => import('./pages/members/rules-page.tsx'), 'PeopleRulesPage');
const SurveysPage = page(() => import('./pages/checkins/surveys-page.tsx'), 'SurveysPage');
const AdmissionPage = page(() => import('./pages/admission/admission-page.tsx'), 'AdmissionPage');
const BlacklistPage = page(() => import('./pages/admission/blacklist-page.tsx'), 'BlacklistPage');
const PeopleImportPage = page(() => import('./pages/orders/import-page.tsx'), 'PeopleImportPage');
const MembersPage = page(() => import('./pages/members/members-page.tsx'), 'MembersPage');
const MemberProfilePage = page(() => import('./pages/members/profile-page.tsx'), 'MemberProfilePage');
const SegmentsPage = page(() => import('./pages/members/segments-page.tsx'), 'SegmentsPage');
// growth (issue 9): tracked links, live codes, campaigns
const LinksPage = page(() => import('./pages/growth/links-page.tsx'), 'LinksPage');
const LinkPage = page(() => import('./pages/growth/link-page.tsx'), 'LinkPage');
const LiveCodesPage = page(() => import('./pages/growth/livecodes-page.tsx'), 'LiveCodesPage');
const LiveCodePage = page(() => import('./pages/growth/livecode-page.tsx'), 'LiveCodePage');
const CampaignsPage = page(() => import('./pages/growth/campaigns-page.tsx'), 'CampaignsPage');
const CampaignPage = page(() => import('./pages/growth/campaign-page.tsx'), 'CampaignPage');
// Insights (issue 10)
const ModerationPage = page(() => import('./pages/insight/moderation-page.tsx'), 'ModerationPage');
const AlertsPage = page(() => import('./pages/insight/alerts-page.tsx'), 'AlertsPage');
// insight (issue 10): the question inbox
const InboxPage = page(() => import('./pages/insight/inbox-page.tsx'), 'InboxPage');
// Insights (issue 10): group health; the inbox and moderation join this area.
const HealthPage = page(() => import('./pages/insight/health-page.tsx'), 'HealthPage');
// Insights: the weekly digest of a group.
const DigestPage = page(() => import('./pages/insight/digest-page.tsx'), 'DigestPage');
const GroupHealthPage = page(() => import('./pages/insight/group-health-page.tsx'), 'GroupHealthPage');
const FunnelPage = page(() => import('./pages/insight/funnel-page.tsx'), 'FunnelPage');


interface NavItem {
  to: string;
  /** i18n key of the label */
  label: string;
  testid: string;
  /** Who sees the item; everyone when absent. */
  roles?: Role[];
}

const STAFF: Role[] = ['owner', 'admin', 'operator', 'viewer'];

/** The navigation. Runs, Command center and Leader page are built in pages/runs, command, leader. */
const NAV: NavItem[] = [
  { to: '/', label: 'common.navHome', testid: 'nav-home', roles: STAFF },
  { to: '/runs', label: 'common.navRuns', testid: 'nav-runs', roles: STAFF },
  { to: '/command', label: 'common.navCommand', testid: 'nav-command', roles: STAFF },
  { to: '/sheets', label: 'common.navSheets', testid: 'nav-sheets', roles: STAFF },
  { to: '/groups', label: 'common.navGroups', testid: 'nav-groups', roles: STAFF },
  { to: '/members', label: 'common.navMembers', testid: 'nav-members', roles: [...STAFF, 'leader'] },
  { to: '/admission', label: 'common.navAdmission', testid: 'nav-admission', roles: ['owner', 'admin', 'operator', 'leader'] },
  { to: '/blacklist', label: 'common.navBlacklist', testid: 'nav-blacklist', roles: ['owner', 'admin', 'operator'] },
  { to: '/members/rules', label: 'common.navPeopleRules', testid: 'nav-people-rules', roles: STAFF },
  { to: '/members/import', label: 'common.navImport', testid: 'nav-people-import', roles: ['owner', 'admin', 'operator'] },
  { to: '/channels', label: 'common.navChannels', testid: 'nav-channels', roles: STAFF },
  { to: '/leader', label: 'common.navLeader', testid: 'nav-leader' },
  { to: '/team', label: 'team.nav', testid: 'nav-team', roles: ['owner', 'admin'] },
  // growth (issue 9): a leader sees the campaigns, live codes and links of their own groups
  { to: '/campaigns', label: 'common.navCampaigns', testid: 'nav-campaigns', roles: [...STAFF, 'leader'] },
  { to: '/livecodes', label: 'common.navLiveCodes', testid: 'nav-livecodes', roles: [...STAFF, 'leader'] },
  { to: '/links', label: 'common.navLinks', testid: 'nav-links', roles: [...STAFF, 'leader'] },
  // Insights / 洞察 (issue 10): a leader sees their own groups' moderation log and alerts
  { to: '/insight/moderation', label: 'common.navModeration', testid: 'nav-moderation', roles: [...STAFF, 'leader'] },
  { to: '/insight/alerts', label: 'common.navAlerts', testid: 'nav-alerts', roles: [...STAFF, 'leader'] },
  // insight (issue 10): the question inbox; a leader sees their groups' questions
  { to: '/inbox', label: 'common.navInbox', testid: 'nav-inbox', roles: [...STAFF, 'leader'] },
  // Insights (issue 10): the area opens on group health; a leader sees their own groups.
  { to: '/insight', label: 'common.navInsights', testid: 'nav-insight', roles: [...STAFF, 'leader'] },
  { to: '/insight/digest', label: 'common.navDigest', testid: 'nav-digest', roles: [...STAFF, 'leader'] },
  // Insights (issue 10): funnels and cohorts, a leader's own groups
  { to: '/insight/funnel', label: 'common.navFunnel', testid: 'nav-funnel', roles: [...STAFF, 'leader'] },
];

/** The item to light for a page: the one with the longest address the page is under (People rules, not Members, on /members/rules). */
function litItem(items: readonly NavItem[], path: string): string | undefined {
  const under = items.filter((n) => (n.to === '/' ? path === '/' : path === n.to || path.startsWith(`${n.to}/`)));
  return under.sort((a, b) => b.to.length - a.to.length)[0]?.to;
}

/**
 * The pages behind the sign-in gate. Other areas append their routes at the end of this list.
 */
export const pageRoutes: { path: string; element: ReactNode }[] = [
  { path: '/', element: <HomePage /> },
  { path: '/sheets', element: <SheetLibraryPage /> },
  { path: '/sheets/new', element: <SheetEditorPage /> },
  { path: '/sheets/import', element: <SheetImportPage /> },
  { path: '/sheets/:id', element: <SheetEditorPage /> },
  { path: '/sheets/:id/history', element: <SheetHistoryPage /> },
  { path: '/groups', element: <GroupsPage /> },
  { path: '/channels', element: <ChannelsPage /> },
  { path: '/runs', element: <RunsPage /> },
  { path: '/runs/new', element: <LaunchPage /> },
  { path: '/runs/:id', element: <BoardPage /> },
  { path: '/command', element: <CommandPage /> },
  { path: '/command/:id', element: <BroadcastPage /> },
  { path: '/leader', element: <LeaderPage /> },
  { path: '/team', element: <TeamPage /> },
  { path: '/members/rules', element: <PeopleRulesPage /> },
  { path: '/groups/:id/surveys', element: <SurveysPage /> },
  { path: '/admission', element: <AdmissionPage /> },
  { path: '/blacklist', element: <BlacklistPage /> },
  { path: '/members/import', element: <PeopleImportPage /> },
  { path: '/members', element: <MembersPage /> },
  { path: '/members/segments', element: <SegmentsPage /> },
  { path: '/members/:id', element: <MemberProfilePage /> },
  // growth (issue 9)
  { path: '/livecodes', element: <LiveCodesPage /> },
  { path: '/livecodes/:id', element: <LiveCodePage /> },
  { path: '/links', element: <LinksPage /> },
  { path: '/links/:id', element: <LinkPage /> },
  { path: '/campaigns', element: <CampaignsPage /> },
  { path: '/campaigns/:id', element: <CampaignPage /> },
  { path: '/insight/moderation', element: <ModerationPage /> },
  { path: '/insight/alerts', element: <AlertsPage /> },
  // insight (issue 10)
  { path: '/inbox', element: <InboxPage /> },
  // Insights (issue 10)
  { path: '/insight', element: <HealthPage /> },
  { path: '/insight/health', element: <HealthPage /> },
  { path: '/insight/digest', element: <DigestPage /> },
  { path: '/insight/health/:group', element: <GroupHealthPage /> },
  { path: '/insight/funnel', element: <FunnelPage /> },

];

export function App() {
  return (
    <SessionProvider>
      <BrowserRouter>
        <Gate />
      </BrowserRouter>
    </SessionProvider>
  );
}

function Gate() {
  const { session, error, reload } = useSession();
  const t = useT();
  if (!session) {
    return <div className="gate">{error ? <ErrorNote error={error} onRetry={() => void reload()} /> : <Loading label={t('common.starting')} />}</div>;
  }
  if (session.setupNeeded) return <SetupPage />;
  if (!session.user) return <SignInPage />;
  return (
    <Routes>
      <Route element={<Layout />}>
        {pageRoutes.map((r) => (
          <Route key={r.path} path={r.path} element={r.path === '/' ? <RoleHome>{r.element}</RoleHome> : r.element} />
        ))}
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

/** A leader's console is their task list: the home page sends them there. */
function RoleHome({ children }: { children: ReactNode }) {
  const user = useUser();
  return user.role === 'leader' ? <Navigate to="/leader" replace /> : children;
}

function Layout() {
  const t = useT();
  const user = useUser();
  const location = useLocation();
  const [menuOpen, setMenuOpen] = useState(false);
  // A page change on a phone closes the menu.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every navigation on purpose
  useEffect(() => {
    setMenuOpen(false);
  }, [location.pathname]);
  const items = NAV.filter((n) => !n.roles || n.roles.includes(user.role));
  return (
    <div className="shell">
      <header className="topbar">
        <button
          type="button"
          className="menu-button"
          aria-expanded={menuOpen}
          aria-controls="main-nav"
          onClick={() => setMenuOpen((o) => !o)}
          data-testid="menu-toggle"
        >
          <span aria-hidden="true">☰</span>
          <span className="sr-only">{t('common.menu')}</span>
        </button>
        <NavLink to="/" className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Chorus
        </NavLink>
        <div className="topbar-right">
          <LanguageSwitch />
          <UserMenu />
        </div>
      </header>
      <nav id="main-nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label={t('common.menu')}>
        {items.map((n) => (
          <NavLink key={n.to} to={n.to} end={n.to === '/'} className={() => `nav-item${litItem(items, location.pathname) === n.to ? ' active' : ''}`} data-testid={n.testid}>
            {t(n.label)}
          </NavLink>
        ))}
      </nav>
      <main className="content">
        <Suspense fallback={<Loading />}>
          <Outlet />
        </Suspense>
      </main>
    </div>
  );
}

function LanguageSwitch() {
  const locale = useLocale();
  const t = useT();
  const { chooseLocale } = useSession();
  return (
    <fieldset className="lang-switch">
      <legend className="sr-only">{t('common.language')}</legend>
      {LOCALES.map((l: Locale) => (
        <button
          key={l}
          type="button"
          className={l === locale ? 'active' : ''}
          aria-pressed={l === locale}
          onClick={() => chooseLocale(l)}
          data-testid={`lang-${l}`}
        >
          {l === 'en' ? 'EN' : '中文'}
        </button>
      ))}
    </fieldset>
  );
}

function UserMenu() {
  const t = useT();
  const user = useUser();
  const { signOut } = useSession();
  return (
    <div className="user-menu">
      {/* To one's own password and API tokens (the Team page shows a leader or viewer only those). */}
      <NavLink to="/team" className="user-name" title={user.name} data-testid="user-name">
        {user.displayName || user.name}
        <span className="user-role">{t(`common.role_${user.role}`)}</span>
      </NavLink>
      <button type="button" className="btn btn-quiet btn-small" onClick={() => void signOut()} data-testid="sign-out">
        {t('common.signOut')}
      </button>
    </div>
  );
}
