// A small world for execution tests: a database, a sandbox channel, groups, and the services.

import { type ConnectorCache as Cache, addChannel, ConnectorCache } from '../../src/channels/registry.ts';
import { ensureGroup, updateGroup } from '../../src/community/groups.ts';
import type { RunContext } from '../../src/run/runs.ts';
import { secretBox } from '../../src/store/secrets.ts';
import { type TestStore, testStore } from './db.ts';

export const TEST_KEY = Buffer.alloc(32, 7);

export interface World {
  store: TestStore;
  connectors: Cache;
  ctx: RunContext;
  channelId: string;
  groups: string[];
  close(): Promise<void>;
}

export async function sandboxWorld(groupCount: number, opts: { leader?: (i: number) => string } = {}): Promise<World> {
  const store = await testStore();
  const box = secretBox(TEST_KEY);
  const channel = await addChannel(store.db, box, { kind: 'sandbox', name: 'sandbox', config: {} });
  const groups: string[] = [];
  for (let i = 1; i <= groupCount; i++) {
    const id = await ensureGroup(store.db, channel.id, `chat-${i}`, `Group ${i}`);
    await updateGroup(store.db, id, { leader: opts.leader ? opts.leader(i) : `leader-${((i - 1) % 2) + 1}`, community: 'training_camp', tags: i % 2 ? ['odd'] : ['even'] });
    groups.push(id);
  }
  const connectors = new ConnectorCache(store.db, box);
  return {
    store,
    connectors,
    ctx: { db: store.db, connectors, actor: 'test' },
    channelId: channel.id,
    groups,
    close: () => store.drop(),
  };
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
