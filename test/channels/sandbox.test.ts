// The sandbox connector runs the shared contract too: it is the channel demos and trials use, so
// what it "does" to a group must show on Chorus's group like any real platform's.

import { afterAll, beforeAll } from 'vitest';
import { createSandboxConnector, SANDBOX_CAPABILITIES } from '../../src/channels/sandbox/index.ts';
import { type TestStore, testStore } from '../support/db.ts';
import { connectorContract } from './contract.ts';

let store: TestStore;
beforeAll(async () => {
  store = await testStore();
});
afterAll(async () => {
  await store.drop();
});

const kinds = (chatId: string, kind: string) =>
  store.db.selectFrom('sandbox_messages').select('text').where('chat_id', '=', chatId).where('kind', '=', kind).orderBy('id').execute();

connectorContract('sandbox', SANDBOX_CAPABILITIES, async () => {
  const chatId = `chat-${Math.random().toString(36).slice(2)}`;
  return {
    connector: createSandboxConnector(store.db, 'ch_sandbox'),
    chatId,
    userId: 'user-1',
    sentTexts: async (c) => (await store.db.selectFrom('sandbox_messages').select('text').where('chat_id', '=', c).orderBy('id').execute()).map((r) => r.text),
    title: async (c) => (await kinds(c, 'rename')).at(-1)?.text,
    // The sandbox keeps no member list of its own: a removal is recorded, and that is the membership change.
    isMember: async (c, u) => !(await kinds(c, 'remove_member')).some((r) => r.text === u),
    imageUrl: 'https://cdn.example/poster.png',
    close: async () => {},
  };
});
