import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/store/migrate.ts';
import { engine, type TestStore, testStore } from './support/db.ts';

describe(`store on ${engine}`, () => {
  let store: TestStore;
  beforeEach(async () => {
    store = await testStore();
  });
  afterEach(async () => {
    await store.drop();
  });

  it('applies every migration once and is idempotent on restart', async () => {
    const versions = (await store.executeSql('SELECT version FROM chorus_migrations ORDER BY version')).rows;
    expect(versions.length).toBeGreaterThan(0);
    expect(await migrate(store)).toEqual([]);
  });

  it('runs multi-statement SQL without parameters and single statements with them', async () => {
    await store.executeSql('CREATE TABLE t (a int); INSERT INTO t VALUES (1), (2);');
    const r = await store.executeSql('SELECT sum(a)::int AS s FROM t WHERE a >= $1', [1]);
    expect(r.rows[0].s).toBe(3);
  });
});
