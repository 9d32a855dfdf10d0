// The layering of docs/ARCHITECTURE.md as rules: `npm test` runs `depcruise` with this file and
// fails on an import cycle or on an import that goes against the flow. Lower layers never import
// higher ones:
//   sop, access, i18n, config (pure) → store → channels → community (state) → run + dispatch → server → cli
// with these documented crossings: the inbound edge community/ingest.ts drives run/triggers (and
// community/group-effects.ts cancels a disbanded group's open rows);
// run/runs.ts schedules through dispatch (forecast, policies, queue, timers) while the dispatcher
// records into the ledger (run/ledger.ts, run/states.ts, run/assign.ts, run/notices.ts); the demo builds on everything but the
// HTTP shell. Growth (src/growth) sits beside run: it records in the ledger, the dispatcher wraps
// links through growth/wrap.ts, and the server, the CLI and the sweep callers drive it. The console (web/src) may share only pure modules of the server.

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'An import cycle: break it with a small module for the shared types.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'pure-core',
      comment: 'src/sop, src/access, src/i18n and src/config.ts are pure: they import nothing else of Chorus but each other.',
      severity: 'error',
      from: { path: '^src/(sop|access|i18n)/|^src/config\\.ts$' },
      to: { path: '^src/', pathNot: '^src/(sop|access|i18n)/' },
    },
    {
      name: 'store-below-domain',
      comment: 'The store knows the sheet types and nothing above it.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|sop|i18n|config\\.ts)' },
    },
    {
      name: 'channels-below-domain',
      comment: 'Connectors speak the port and the store; they never reach into runs, dispatch or the server.',
      severity: 'error',
      from: { path: '^src/channels/' },
      to: { path: '^src/(community|run|dispatch|server|cli|demo)/' },
    },
    {
      name: 'community-state-below-run',
      comment: 'Groups and members are state; only the inbound edge (ingest.ts) and what an action did to a group (group-effects.ts: a disbanded group cancels its open rows) reach the ledger.',
      severity: 'error',
      from: { path: '^src/community/', pathNot: '^src/community/(ingest|ingest-joins|ingest-messages|ingest-common|group-effects)\\.ts$' },
      to: { path: '^src/(run|growth|dispatch|server|cli|demo)/' },
    },
    {
      name: 'run-does-not-send',
      comment: 'Runs plan and schedule; only the dispatcher sends (worker.ts, outbound.ts).',
      severity: 'error',
      from: { path: '^src/run/' },
      to: { path: '^src/(dispatch/(worker|outbound)\\.ts|server/|cli/|demo/)' },
    },
    {
      name: 'dispatch-records-in-the-ledger',
      comment:
        'The dispatcher uses the ledger, its states, who executes what (assign.ts), the notice texts and the audience expansion (expand.ts: a claimed audience row becomes one row per member before anything is sent), not runs or broadcasts.',
      severity: 'error',
      from: { path: '^src/dispatch/' },
      to: { path: '^src/(run/(?!ledger\\.ts$|states\\.ts$|assign\\.ts$|notices\\.ts$|expand\\.ts$)|community/ingest\\.ts$|server/|cli/|demo/)' },
    },
    {
      name: 'growth-beside-run',
      comment: 'Growth (links, live codes, campaigns, posters) builds on community and records tasks and one-off rows in the ledger like a run does; it never sends (dispatch), and the server and CLI drive it.',
      severity: 'error',
      from: { path: '^src/growth/' },
      to: { path: '^src/(dispatch|server|cli|demo)/|^src/run/(runs|broadcasts|sweep)\\.ts$' },
    },
    {
      name: 'run-knows-no-growth',
      comment: 'Runs do not reach growth: the sweep of growth is called beside the run sweep by serve.ts and the worker; the dispatcher wraps links (growth/wrap.ts) at send time; ingest attributes joins.',
      severity: 'error',
      from: { path: '^src/(run|channels|store|sop)/' },
      to: { path: '^src/growth/' },
    },
    {
      name: 'dispatch-wraps-links-only',
      comment: 'Of growth, the dispatcher uses only the send-time link wrapping.',
      severity: 'error',
      from: { path: '^src/dispatch/' },
      to: { path: '^src/growth/', pathNot: '^src/growth/wrap\\.ts$' },
    },
    {
      name: 'insight-rules-are-pure',
      comment: 'Insight decides (health, funnel, A/B, moderation) from plain data in src/insight/rules/: it may use the pure modules (sop, i18n, access) and the people rules, never the store, the connectors or the runs.',
      severity: 'error',
      from: { path: '^src/insight/rules/' },
      to: { path: '^src/', pathNot: '^src/(insight/rules|sop|i18n|access)/|^src/community/standing/(question|rules|tags|facts)\\.ts$' },
    },
    {
      name: 'insight-beside-growth',
      comment: 'Insight reads the state below it (groups, members, the ledger, links and orders) and records its own; like growth it never sends (dispatch), and the server and CLI drive it.',
      severity: 'error',
      from: { path: '^src/insight/' },
      to: { path: '^src/(dispatch|server|cli|demo)/|^src/run/(runs|broadcasts|sweep)\\.ts$' },
    },
    {
      name: 'state-knows-no-insight',
      comment: 'Insight sits above the state it reads: groups, members, runs, growth, the store and the connectors never import it; only the inbound edge (community/ingest*.ts) tells it what arrived.',
      severity: 'error',
      from: { path: '^src/(community|run|store|channels|sop|dispatch|growth)/', pathNot: '^src/community/ingest(-joins|-messages)?\\.ts$' },
      to: { path: '^src/insight/' },
    },
    {
      name: 'demo-below-server',
      comment: 'The demo workspace is data; its HTTP route lives in src/server/routes/demo.ts.',
      severity: 'error',
      from: { path: '^src/demo/' },
      to: { path: '^src/(server|cli)/' },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Nothing imports the command line.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'console-shares-only-pure-code',
      comment: 'The console runs in the browser: it may import only pure modules of the server.',
      severity: 'error',
      from: { path: '^web/src/' },
      to: { path: '^src/', pathNot: '^src/(sop/|access/|run/buckets\\.ts$|run/overview\\.ts$)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
