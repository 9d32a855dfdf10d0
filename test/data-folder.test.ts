// Item 12 of issue 7: the data folder (database, secret key, admin token) is private: 0700
// folders and 0600 files, fixed on start for folders made world-readable before, and private from
// creation afterwards.

import { chmodSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDataFolderPrivate } from '../src/store/data-folder.ts';
import { loadSecretKey } from '../src/store/secrets.ts';

const mode = (p: string) => statSync(p).mode & 0o777;
const before = process.umask();
afterAll(() => {
  process.umask(before);
});

describe('the data folder', () => {
  it('makes an existing world-readable folder private, contents included', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'chorus-modes-')), 'data');
    mkdirSync(join(dir, 'db', 'base'), { recursive: true });
    writeFileSync(join(dir, 'secret.key'), 'x');
    writeFileSync(join(dir, 'admin-token'), 'x');
    writeFileSync(join(dir, 'db', 'base', '1'), 'x');
    chmodSync(dir, 0o755);
    chmodSync(join(dir, 'db'), 0o755);
    chmodSync(join(dir, 'db', 'base'), 0o777);
    for (const f of ['secret.key', 'admin-token', 'db/base/1']) chmodSync(join(dir, f), 0o644);

    expect(makeDataFolderPrivate(dir)).toBe(6);
    expect([dir, join(dir, 'db'), join(dir, 'db', 'base')].map(mode)).toEqual([0o700, 0o700, 0o700]);
    expect(['secret.key', 'admin-token', 'db/base/1'].map((f) => mode(join(dir, f)))).toEqual([0o600, 0o600, 0o600]);
    expect(makeDataFolderPrivate(dir)).toBe(0);
  });

  it('creates what comes later private: the folder, the key, and any file written with default modes (the umask)', () => {
    process.umask(0o022);
    const dir = join(mkdtempSync(join(tmpdir(), 'chorus-modes-')), 'fresh');
    makeDataFolderPrivate(dir);
    expect(mode(dir)).toBe(0o700);
    loadSecretKey(dir, {});
    expect(mode(join(dir, 'secret.key'))).toBe(0o600);
    // What PGlite writes later (WAL segments, new tables) is created with the process's umask.
    mkdirSync(join(dir, 'db', 'pg_wal'), { recursive: true });
    writeFileSync(join(dir, 'db', 'pg_wal', '000000010000000000000001'), 'x');
    expect(mode(join(dir, 'db'))).toBe(0o700);
    expect(mode(join(dir, 'db', 'pg_wal', '000000010000000000000001'))).toBe(0o600);
  });
});
