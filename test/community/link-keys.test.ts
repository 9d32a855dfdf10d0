import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken, verifyToken, workspaceKey } from '../../src/store/link-keys.ts';
import { engine, type TestStore, testStore } from '../support/db.ts';

describe(`signed links (${engine})`, () => {
  let s: TestStore;
  const store = () => s;
  beforeAll(async () => {
    s = await testStore();
  });
  afterAll(async () => {
    await s.close();
  });

  it('a token round-trips; an altered, truncated or foreign one is refused', async () => {
    const key = await workspaceKey(store().db);
    expect(await workspaceKey(store().db)).toEqual(key);
    const token = signToken(key, { s: 'survey', m: 'mem_1' });
    expect(verifyToken(key, token)).toEqual({ s: 'survey', m: 'mem_1' });
    const [body, sig] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ s: 'survey', m: 'mem_2' })).toString('base64url')}.${sig}`;
    expect(verifyToken(key, forged)).toBeUndefined();
    expect(verifyToken(key, `${body}.`)).toBeUndefined();
    expect(verifyToken(key, 'nonsense')).toBeUndefined();
    expect(verifyToken(Buffer.alloc(32, 1), token)).toBeUndefined();
  });
});
