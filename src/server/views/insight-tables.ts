// The Insights lists as downloadable tables (src/server/table-export.ts): the inbox, the
// moderation log and the keyword alerts' hits, with headers and words in the reader's language and
// times in the workspace's time zone, as the console shows them.

import { DateTime } from 'luxon';
import { type Locale, translate } from '../../i18n/index.ts';
import type { AlertHit } from '../../insight/alerts.ts';
import type { InboxQuestion } from '../../insight/inbox.ts';
import type { ModerationLogEntry } from '../../insight/moderation.ts';
import { workspaceTimezone } from '../../config.ts';
import type { Table } from '../table-export.ts';

/** A time as the operator reads it: `2026-12-03 15:04` in the workspace's zone. */
export function localTime(iso: string | null): string {
  return iso ? DateTime.fromISO(iso, { zone: workspaceTimezone() }).toFormat('yyyy-MM-dd HH:mm') : '';
}

const word = (lang: Locale, key: string, fallback: string): string => {
  const t = translate(lang, key);
  return t === key ? fallback : t;
};

export function inboxTable(lang: Locale, rows: readonly InboxQuestion[]): Table<InboxQuestion> {
  const h = (k: string) => translate(lang, `table.${k}`);
  return {
    name: 'questions',
    rows,
    columns: [
      { header: h('group'), value: (q) => q.groupName },
      { header: h('member'), value: (q) => q.memberName },
      { header: h('text'), value: (q) => q.text },
      { header: h('askedAt'), value: (q) => localTime(q.at) },
      { header: h('waitingMinutes'), value: (q) => Math.round(q.waitingSeconds / 60) },
      { header: h('state'), value: (q) => word(lang, `table.state.${q.state}`, q.state) },
      { header: h('answeredAt'), value: (q) => localTime(q.answeredAt) },
      { header: h('answeredBy'), value: (q) => q.answeredByName ?? '' },
    ],
  };
}

export function moderationTable(lang: Locale, rows: readonly ModerationLogEntry[]): Table<ModerationLogEntry> {
  const h = (k: string) => translate(lang, `table.${k}`);
  const yes = (b: boolean) => translate(lang, b ? 'table.yes' : 'table.no');
  return {
    name: 'moderation',
    rows,
    columns: [
      { header: h('at'), value: (l) => localTime(l.at) },
      { header: h('group'), value: (l) => l.groupName },
      { header: h('member'), value: (l) => l.memberName ?? '' },
      { header: h('rule'), value: (l) => word(lang, `moderation.ruleName.${l.rule}`, l.rule) },
      { header: h('action'), value: (l) => word(lang, `table.action.${l.action}`, l.action) },
      { header: h('text'), value: (l) => l.text },
      { header: h('match'), value: (l) => l.match ?? '' },
      { header: h('deleted'), value: (l) => yes(l.deleted) },
      { header: h('undoneAt'), value: (l) => localTime(l.undoneAt) },
      { header: h('undoneBy'), value: (l) => l.undoneBy ?? '' },
    ],
  };
}

export function alertHitsTable(lang: Locale, rows: readonly AlertHit[]): Table<AlertHit> {
  const h = (k: string) => translate(lang, `table.${k}`);
  return {
    name: 'alerts',
    rows,
    columns: [
      { header: h('at'), value: (a) => localTime(a.at) },
      { header: h('keyword'), value: (a) => a.keyword },
      { header: h('group'), value: (a) => a.groupName },
      { header: h('member'), value: (a) => a.memberName ?? '' },
      { header: h('text'), value: (a) => a.text },
    ],
  };
}
