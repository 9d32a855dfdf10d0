// `chorus tasks [--assignee A]` and `chorus task done <id>` — what people have to do.

import type { TaskView } from '../run/tasks.ts';
import type { ApiClient } from './api-client.ts';
import type { Io } from './io.ts';
import { table, when } from './table.ts';

export async function taskList(io: Io, api: ApiClient, o: { assignee?: string; state?: string; json?: boolean }): Promise<number> {
  const { tasks } = await api.get<{ tasks: TaskView[] }>('/api/tasks', { assignee: o.assignee, state: o.state });
  if (o.json) {
    io.out(JSON.stringify(tasks, null, 2));
    return 0;
  }
  if (!tasks.length) {
    io.out(o.assignee ? `${o.assignee} has no tasks${o.state ? ` in ${o.state}` : ' open'}.` : 'No open tasks.');
    return 0;
  }
  io.out(
    table(
      ['id', 'by', 'group', 'do', 'deadline', 'state', 'text'],
      tasks.map((t) => [t.id, t.assignee ?? 'nobody', t.group.name, t.action, when(t.deadline), t.late && t.state === 'assigned' ? 'late' : t.state, t.text.replace(/\s+/g, ' ').slice(0, 60)]),
    ),
  );
  io.out('\nWhen one is done: chorus task done <id>');
  return 0;
}

export async function taskDone(io: Io, api: ApiClient, id: string, o: { by?: string; json?: boolean }): Promise<number> {
  const r = await api.post<{ id: number; state: 'done' | 'done_late' }>(`/api/tasks/${encodeURIComponent(id)}/done`, o.by ? { by: o.by } : {});
  io.out(o.json ? JSON.stringify(r) : r.state === 'done' ? `Task ${id} done, on time.` : `Task ${id} done, late (after its window).`);
  return 0;
}
