// `chorus action retry | send-now | skip | reassign | edit | bind <id>` — acting on one ledger row (an
// action of a run or broadcast, ids from `chorus run status`), as the run board does.

import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { when } from './table.ts';

interface Answer {
  id: number;
  state: string;
  due: string;
  /** bind: the group the run goes on in. */
  group?: string;
}

const SAID: Record<string, (a: Answer) => string> = {
  retry: (a) => `Action ${a.id} will be sent again (due ${when(a.due)}).`,
  'send-now': (a) => `Action ${a.id} goes out now, as pacing allows.`,
  skip: (a) => `Action ${a.id} is skipped: it will not be executed.`,
  reassign: (a) => `Action ${a.id} is handed on; its deadline counts from ${when(a.due)}.`,
  edit: (a) => `The text of action ${a.id} is changed.`,
  bind: (a) => `The run goes on in group ${a.group ?? ''}: its actions waiting for the new group are bound to it.`,
};

export type ActionVerb = 'retry' | 'send-now' | 'skip' | 'reassign' | 'edit' | 'bind';

export interface ActionOptions {
  confirmNotSent?: boolean;
  text?: string;
  link?: string;
  json?: boolean;
}

export async function actionCommand(io: Io, api: ApiClient, verb: ActionVerb, id: string, o: ActionOptions & { to?: string; group?: string }): Promise<number> {
  const path = `/api/ledger/${encodeURIComponent(id)}`;
  let a: Answer;
  if (verb === 'edit') a = await api.patch<Answer>(path, { text: o.text, ...(o.link !== undefined ? { link: o.link || null } : {}) });
  else if (verb === 'reassign') a = await api.post<Answer>(`${path}/reassign`, { to: o.to });
  else if (verb === 'bind') a = await api.post<Answer>(`${path}/bind`, { group: o.group });
  else if (verb === 'retry') a = await api.post<Answer>(`${path}/retry`, o.confirmNotSent ? { confirmNotSent: true } : {});
  else a = await api.post<Answer>(`${path}/${verb}`, {});
  io.out(o.json ? JSON.stringify(a) : SAID[verb](a));
  return 0;
}
