// The members pages' pure parts: the filter's problem in the console's words (both languages,
// every AudienceError key has console words), the chips' term toggling, the page address, the
// profile's points, display names, and the timeline's plain words.

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Catalog, collect, pick, type Vars } from '../../web/src/i18n/format.ts';
import { eventWords } from '../../web/src/pages/members/event-words.ts';
import {
  DEFAULT_QUERY,
  displayName,
  listPath,
  type MemberDetail,
  pointsOf,
  readQuery,
  readTags,
  selectorProblem,
  toggleTerm,
  viaParts,
  writeQuery,
} from '../../web/src/pages/members/member-data.ts';

const dir = join(import.meta.dirname, '../../web/src/i18n');
async function catalog(locale: 'en' | 'zh'): Promise<Catalog> {
  const modules: Record<string, { default: Record<string, string> }> = {};
  for (const f of readdirSync(join(dir, locale)).filter((x) => x.endsWith('.ts'))) modules[`./${locale}/${f}`] = await import(join(dir, locale, f));
  return collect(modules);
}

describe('members in the console', async () => {
  const en = await catalog('en');
  const zh = await catalog('zh');
  const tEn = (k: string, v?: Vars) => pick(en, en, k, v);
  const tZh = (k: string, v?: Vars) => pick(zh, en, k, v);

  it('says a filter’s problem in the page’s language, with the stages in Chinese', () => {
    expect(selectorProblem('', tZh, 'zh')).toBeUndefined();
    expect(selectorProblem('tag:vip+!stage:customer+active<7d', tZh, 'zh')).toBeUndefined();
    expect(selectorProblem('stage:vip', tZh, 'zh')).toBe(
      '“vip”不是关系阶段；阶段有：stranger（不认识你）、curious（想认识你）、acquainted（认识你）、engaged（了解你）、familiar（熟悉你）、customer（买过你）、repeat（复购你）。',
    );
    expect(selectorProblem('level:', tZh, 'zh')).toBe('“level:”的冒号后面需要填写内容。');
    expect(selectorProblem('active>7d', tEn, 'en')).toBe('“active>7d” is written active<7d.');
    expect(selectorProblem('role:boss', tEn, 'en')).toContain('leader (Captain), assistant (Teaching assistant)');
  });

  it('has console words for every selector problem the parser can raise', async () => {
    const server = (await import('../../src/i18n/en.ts')).default as Record<string, string>;
    const keys = Object.keys(server).filter((k) => k.startsWith('audience.'));
    expect(keys.length).toBeGreaterThan(5);
    for (const k of keys) {
      expect(en[`members.${k}`], k).toBeDefined();
      expect(zh[`members.${k}`], k).toBeDefined();
    }
  });

  it('toggles chip terms, replacing a term of the same kind', () => {
    expect(toggleTerm('', 'active<7d')).toBe('active<7d');
    expect(toggleTerm('tag:a+active<7d', 'active<7d')).toBe('tag:a');
    expect(toggleTerm('tag:a+stage:curious', 'stage:engaged', 'stage:')).toBe('tag:a+stage:engaged');
    expect(readTags('vip, 上海，优秀学员  vip')).toEqual(['vip', '上海', '优秀学员']);
  });

  it('keeps the list’s state in the address, and leaves a filter that does not read out of the request', () => {
    const q = readQuery(new URLSearchParams('where=tag:vip&sort=points&order=asc&offset=50&sort=bogus'));
    expect(q).toEqual({ ...DEFAULT_QUERY, where: 'tag:vip', sort: 'points', order: 'asc', offset: 50 });
    expect(writeQuery(q).toString()).toBe('where=tag%3Avip&sort=points&order=asc&offset=50');
    expect(writeQuery(DEFAULT_QUERY).toString()).toBe('');
    expect(listPath({ ...q, where: 'stage:vip' }, false)).toBe('/api/members?sort=points&order=asc&limit=50&offset=50');
  });

  it('reads the profile’s points whichever way they come, and names members without ids', () => {
    const line = { at: '2026-12-01T00:00:00Z', delta: 5, balance: 5, reason: 'r', rule: null, actor: 'ann' };
    expect(pointsOf({ points: 5, pointsLedger: [line] } as unknown as MemberDetail)).toEqual({ balance: 5, history: [line] });
    expect(pointsOf({ points: [line] } as unknown as MemberDetail)).toEqual({ balance: 5, history: [line] });
    expect(displayName({ name: ' ', identities: [{ channel: 'c', externalId: '1', username: 'lin' }] }, tZh)).toBe('@lin');
    expect(displayName({ name: null, identities: [] }, tZh)).toBe('未留名');
    expect(displayName({ name: '(erased)', identities: [] }, tZh)).toBe('已删除个人信息的成员');
  });

  it('words every timeline kind in both languages, never showing an id', () => {
    const kinds = ['join_request', 'join', 'leave', 'message', 'reply', 'checkin', 'invite', 'click', 'order', 'answer', 'points', 'tag', 'role', 'stage', 'level', 'admission', 'blacklist', 'merge', 'dm_linked', 'import'];
    for (const t of [tEn, tZh]) {
      for (const kind of kinds) {
        const w = eventWords({ at: '2026-12-01T00:00:00Z', kind, group: 'grp_1', detail: { inviter: 'mem_2', invitee: 'mem_3', message: 'msg_1' } }, t);
        expect(w.title, kind).not.toMatch(/members\.|mem_|grp_/);
        expect(w.note, kind).not.toMatch(/members\.|mem_|grp_/);
      }
    }
    expect(eventWords({ at: '', kind: 'points', group: null, detail: { delta: -5, balance: 15, reason: '兑换课程' } }, tZh)).toEqual({ title: '积分 -5', note: '兑换课程 · 余额 15', tone: 'warn' });
    expect(eventWords({ at: '', kind: 'stage', group: null, detail: { to: 'customer' } }, tZh).title).toBe('进入“买过你”阶段');
    expect(eventWords({ at: '', kind: 'leave', group: null, detail: { reason: 'removed', by: 'mem_1' } }, tEn).title).toBe('Was removed');
    expect(eventWords({ at: '', kind: 'something_new', group: null, detail: {} }, tEn).title).toBe('Something else happened');
    expect(viaParts({ link: 'https://t.me/+x', inviter: null, scene: 'qr_code' }, tZh)).toEqual(['扫群二维码进群']);
    expect(viaParts({ link: null, inviter: 'mem_1', scene: 'join_scene_9' }, tZh)).toEqual(['由成员邀请进群']);
  });
});
