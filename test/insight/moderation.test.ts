// Moderation, pure: links by hostname against the allowlist, contact-hunting without false
// alarms on prices, dates and order numbers, banned words across widths and fillers, floods, the
// stricter first hours, exemptions, the escalation, the warnings' words and the settings' checks.

import { describe, expect, it } from 'vitest';
import en from '../../src/i18n/en.ts';
import { render } from '../../src/i18n/index.ts';
import zh from '../../src/i18n/zh.ts';
import { actionText, DEFAULT_MODERATION, judgeMessage, MODERATION_RULES, type ModeratedMember, type ModerationSettings, ModerationSettingsError, readModerationSettings, warningText } from '../../src/insight/rules/moderation-rules.ts';
import { bannedWordIn, contactIn, linksIn } from '../../src/insight/rules/moderation-text.ts';
import { EN_CORPUS, ZH_CORPUS } from './question-corpus.ts';

const at = new Date('2026-05-01T12:00:00Z');
const settings: ModerationSettings = { ...DEFAULT_MODERATION, allowDomains: ['example.com'], words: ['代购', 'Casino'] };
const old: ModeratedMember = { joinedAt: new Date('2026-04-01T00:00:00Z'), isStaff: false, isLeader: false, exemptRole: false, recentMessageTimes: [], warningsInWindow: 0 };
const judge = (text: string, member: Partial<ModeratedMember> = {}, s: ModerationSettings = settings, links: string[] = []) => judgeMessage(s, { text, links, at }, { ...old, ...member });
const rules = (text: string, member: Partial<ModeratedMember> = {}, s: ModerationSettings = settings, links: string[] = []) => judge(text, member, s, links).violations.map((v) => `${v.rule}:${v.match}`);

describe('links', () => {
  it('finds links written in the text', () => {
    expect(linksIn('看这里 https://a.cn/x?y=1，还有 www.b.com 和 t.me/joinchat/abc')).toEqual(['https://a.cn/x?y=1', 'www.b.com', 't.me/joinchat/abc']);
    expect(linksIn('版本 v1.5，文件 report.xlsx，邮箱 abc@qq.com，node.js')).toEqual([]);
  });
  it('allows the allowlist and its subdomains by hostname, not by substring', () => {
    expect(rules('https://example.com/a')).toEqual([]);
    expect(rules('https://shop.example.com/a')).toEqual([]);
    expect(rules('https://EXAMPLE.com./a')).toEqual([]);
    expect(rules('https://example.com.evil.cn/a')).toEqual(['link:https://example.com.evil.cn/a']);
    expect(rules('https://notexample.com')).toEqual(['link:https://notexample.com']);
    // The URL parser reads the host after the @ (and the text also looks like an e-mail address).
    expect(rules('http://example.com@evil.cn/')).toEqual(['link:http://example.com@evil.cn/', 'contact:example.com@evil.cn']);
    expect(rules('https://evil.cn/example.com')).toEqual(['link:https://evil.cn/example.com']);
    expect(rules('', {}, settings, ['https://evil.cn/from-entity'])).toEqual(['link:https://evil.cn/from-entity']);
    expect(rules('ｈｔｔｐｓ://evil.cn')).toEqual(['link:ｈｔｔｐｓ://evil.cn']);
  });
  it('with links allowed, only a new member is stopped', () => {
    const open = { ...settings, links: 'allow' as const };
    expect(rules('https://evil.cn', {}, open)).toEqual([]);
    expect(rules('https://evil.cn', { joinedAt: new Date(at.getTime() - 3_600_000) }, open)).toEqual(['new_member_link:https://evil.cn']);
  });
});

describe('contact-hunting', () => {
  it('finds mobile numbers, whole, spaced or dashed, with +86, in either width', () => {
    for (const [text, match] of [
      ['有需要联系 13812345678', '13812345678'],
      ['电话 138 1234 5678 随时打', '138 1234 5678'],
      ['138-1234-5678', '138-1234-5678'],
      ['+86 139 1234 5678', '+86 139 1234 5678'],
      ['找我：１５９１２３４５６７８', '１５９１２３４５６７８'],
    ]) expect(contactIn(text), text).toBe(match);
  });
  it('finds 加V, 加微, vx, wx, 薇信, WeChat ids after such words, QQ numbers and e-mail', () => {
    for (const [text, match] of [
      ['想要资料的加V', '加V'],
      ['加v：abc_12345', '加v'],
      ['私信或者加微', '加微'],
      ['加我微信领红包', '加我微'],
      ['有意者vx联系', 'vx'],
      ['WX同号', 'WX'],
      ['薇信：tt8899', '薇信'],
      ['我的微信号是 zzfang007', '微信号是 zzfang007'],
      ['微信：hello_world', '微信：hello_world'],
      ['QQ 123456789', 'QQ 123456789'],
      ['扣扣号：55667788', '扣扣号：55667788'],
      ['资料在 wxid_abcd1234', 'wxid_abcd1234'],
      ['Scan the QR code, add: zzfang007', 'add: zzfang007'],
      ['add me on wechat', 'add me on wechat'],
      ['发邮件到 someone@qq.com', 'someone@qq.com'],
      ['➕V了解', '➕V'],
    ]) expect(contactIn(text), text).toBe(match);
  });
  it('leaves prices, dates, times, order numbers and ordinary words alone', () => {
    for (const text of [
      '这件 ¥1399，满 300 减 50',
      '2026-05-12 13:30 开始直播',
      '订单号 20240512138123456789',
      '订单号：13812345678 还没发货',
      '快递单号 SF1234567890123',
      '第 15 天打卡，累计阅读 1500 分钟',
      '身份证后四位 1234',
      '微信支付可以吗',
      '用微信扫码进群',
      '我的微信号被封了',
      'QQ音乐里有这首歌',
      '今天的价格 138 元',
      '学号 2023138001',
      '15 20 30 40 50 60 都可以',
      '加油！',
      '加一下群公告',
      'wechat account is fine',
      'very good vegetables',
      '疯狂星期四 v我50',
    ]) expect(contactIn(text), text).toBeNull();
  });
  it('finds nothing in ordinary members\' messages (the question corpus)', () => {
    const flagged = [...ZH_CORPUS, ...EN_CORPUS].map((c) => c.text).filter((t) => contactIn(t) !== null || (linksIn(t).length > 0 && !t.includes('https://')));
    expect(flagged).toEqual([]);
  });
  it('contacts are a violation when blocked, and always for a new member', () => {
    expect(rules('加V 看资料')).toEqual(['contact:加V']);
    const allow = { ...settings, contacts: 'allow' as const };
    expect(rules('加V 看资料', {}, allow)).toEqual([]);
    expect(rules('加V 看资料', { joinedAt: new Date(at.getTime() - 23 * 3_600_000) }, allow)).toEqual(['contact:加V']);
    expect(rules('加V 看资料', { joinedAt: new Date(at.getTime() - 25 * 3_600_000) }, allow)).toEqual([]);
  });
});

describe('banned words, floods, the first hours and exemptions', () => {
  it('matches banned words case- and width-insensitively, through fillers', () => {
    expect(bannedWordIn('专业代购，价格优惠', settings.words)).toBe('代购');
    expect(bannedWordIn('代 购 找我', settings.words)).toBe('代购');
    expect(bannedWordIn('代*购', settings.words)).toBe('代购');
    expect(bannedWordIn('best ＣＡＳＩＮＯ online', settings.words)).toBe('Casino');
    expect(bannedWordIn('今天天气不错', settings.words)).toBeNull();
    expect(bannedWordIn('anything', [])).toBeNull();
    expect(rules('CASINO night')).toEqual(['word:Casino']);
  });
  it('a flood is more than N messages within S seconds, this one included', () => {
    const times = (...secondsAgo: number[]) => secondsAgo.map((s) => new Date(at.getTime() - s * 1000));
    expect(rules('hi', { recentMessageTimes: times(1, 2, 3, 4, 5) })).toEqual([]); // 6 in 10 s: at the limit
    expect(rules('hi', { recentMessageTimes: times(1, 2, 3, 4, 5, 9) })).toEqual(['flood:7']);
    expect(rules('hi', { recentMessageTimes: times(1, 2, 3, 4, 5, 10) })).toEqual([]); // 10 s ago is outside
  });
  it('in the first hours any link counts, even allowlisted', () => {
    const fresh = { joinedAt: new Date(at.getTime() - 3_600_000) };
    expect(rules('https://example.com/ok', fresh)).toEqual(['new_member_link:https://example.com/ok']);
    expect(rules('https://example.com/ok', { ...fresh, joinedAt: null })).toEqual([]);
    expect(rules('https://example.com/ok', fresh, { ...settings, newMemberHours: 0 })).toEqual([]);
  });
  it('never judges staff, leaders or exempt roles', () => {
    for (const m of [{ isStaff: true }, { isLeader: true }, { exemptRole: true }]) {
      expect(judge('加V 13812345678 https://evil.cn 代购', m)).toMatchObject({ exempt: true, violations: [], action: 'none', delete: false });
    }
  });
  it('reports every rule broken, in order', () => {
    expect(rules('代购 加V https://evil.cn')).toEqual(['link:https://evil.cn', 'contact:加V', 'word:代购']);
    expect(judge('今天的作业交了')).toEqual({ exempt: false, violations: [], action: 'none', delete: false, warning: null, of: 3, blacklist: false });
  });
});

describe('escalation and words', () => {
  it('warns up to N times within the window, then mutes or removes (and blacklists)', () => {
    expect(judge('加V', { warningsInWindow: 0 })).toMatchObject({ action: 'warn', delete: true, warning: 1, of: 3 });
    expect(judge('加V', { warningsInWindow: 2 })).toMatchObject({ action: 'warn', warning: 3 });
    expect(judge('加V', { warningsInWindow: 3 })).toMatchObject({ action: 'mute', delete: true, warning: null, blacklist: false });
    expect(judge('加V', { warningsInWindow: 3 }, { ...settings, after: 'remove', blacklist: true })).toMatchObject({ action: 'remove', blacklist: true });
    expect(judge('加V', { warningsInWindow: 5 }, { ...settings, after: 'mute', blacklist: true })).toMatchObject({ action: 'mute', blacklist: false });
  });
  it('words the warning naming the rule, the last warning and the action', () => {
    const s = settings;
    expect(render('zh', warningText(judge('加V', { warningsInWindow: 1 }), s)!)).toBe('请勿在群内发布联系方式（第 2 次提醒，共 3 次）');
    expect(render('en', warningText(judge('加V', { warningsInWindow: 1 }), s)!)).toBe("Please don't post contact details in this group (warning 2 of 3).");
    expect(render('zh', warningText(judge('加V', { warningsInWindow: 2 }), s)!)).toBe('请勿在群内发布联系方式（第 3 次提醒，共 3 次，再犯将被禁言）');
    expect(render('zh', warningText(judge('https://x.cn', { warningsInWindow: 2 }, { ...s, after: 'remove' }), { ...s, after: 'remove' })!)).toBe('请勿在群内发布链接（第 3 次提醒，共 3 次，再犯将被移出群聊）');
    expect(render('zh', warningText(judge('https://example.com', { joinedAt: new Date(at.getTime() - 1000) }), s)!)).toBe('新成员入群 24 小时内请勿发布链接（第 1 次提醒，共 3 次）');
    expect(warningText(judge('你好'), s)).toBeNull();
    expect(render('zh', actionText(judge('加V', { warningsInWindow: 3 }), '小王')!)).toBe('小王 经 3 次提醒后仍违反群规（发联系方式），已被禁言。');
    expect(render('en', actionText(judge('刷屏', { warningsInWindow: 3, recentMessageTimes: Array(9).fill(at) }), 'Wang')!)).toBe('Wang was muted after 3 warnings (flooding).');
    expect(actionText(judge('加V'), 'x')).toBeNull();
    for (const r of MODERATION_RULES) for (const k of [`moderation.rule.${r}`, `moderation.ruleName.${r}`]) expect(k in en && k in zh, k).toBe(true);
  });
});

describe('the settings document', () => {
  it('lays a partial document over the defaults and normalizes domains', () => {
    expect(readModerationSettings(undefined)).toEqual(DEFAULT_MODERATION);
    const s = readModerationSettings({ allowDomains: ['Example.COM', '*.shop.cn', 'https://docs.qq.com/x', '例子.中国'], flood: { messages: 10 } });
    expect(s.allowDomains).toEqual(['example.com', 'shop.cn', 'docs.qq.com', 'xn--fsqu00a.xn--fiqs8s']);
    expect(s.flood).toEqual({ messages: 10, seconds: 10 });
    expect(s.links).toBe('block');
  });
  it('names the field of every problem', () => {
    const problems = (input: unknown) => {
      try {
        readModerationSettings(input);
        return [];
      } catch (e) {
        if (!(e instanceof ModerationSettingsError)) throw e;
        return e.problems.map((p) => `${p.field}: ${render('en', p.message)}`);
      }
    };
    expect(problems({ links: 'maybe', warn: 0, allowDomains: ['not a domain'], flood: { messages: 1 }, colour: 'red' })).toEqual([
      'links: must be one of block, allow',
      'allowDomains.0: is not a domain name like example.com: "not a domain"',
      'flood.messages: must be at least 2',
      'warn: must be at least 1',
      '(document): is not a setting: colour',
    ]);
    expect(problems([1, 2])).toEqual(['(document): the moderation settings are a document of settings (a YAML or JSON object)']);
    expect(problems({ after: 'ban' })).toEqual(['after: must be one of mute, remove']);
  });
});
