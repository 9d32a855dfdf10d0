// The people imports' reading, pure: the values (phone, e-mail, member reference, attribute
// name, amount, order time) and the files (English and Chinese headers, a BOM, GBK, bad rows
// named by row and field, caps).

import { describe, expect, it } from 'vitest';
import { attributeKey, normalizeEmail, normalizePhone, parseAmount, parseMemberRef, parseOrderTime } from '../../src/community/imports/fields.ts';
import { PEOPLE_IMPORT_LIMITS, readMemberCsv, readOrderCsv, readOrderJson } from '../../src/community/imports/people-csv.ts';
import { english, render } from '../../src/i18n/index.ts';

const bytes = (s: string) => new TextEncoder().encode(s);
const words = (ps: { row: number; field?: string; message: Parameters<typeof english>[0] }[]) => ps.map((p) => ({ row: p.row, field: p.field, message: english(p.message) }));

describe('values', () => {
  it('normalizes phones to +<country><number>, mainland mobiles without a prefix', () => {
    expect(normalizePhone('138 0013 8000')).toBe('+8613800138000');
    expect(normalizePhone('138-0013-8000')).toBe('+8613800138000');
    expect(normalizePhone('+86 138 0013 8000')).toBe('+8613800138000');
    expect(normalizePhone('8613800138000')).toBe('+8613800138000');
    expect(normalizePhone('+44 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('0044 20 7946 0958')).toBe('+442079460958');
    expect(normalizePhone('１３８００１３８０００')).toBe('+8613800138000');
    for (const bad of ['12345', '010-12345678', 'abc', '+12', '23800138000', '138001380001']) expect(normalizePhone(bad), bad).toBeUndefined();
  });

  it('lower-cases e-mail addresses and refuses what is not one', () => {
    expect(normalizeEmail(' Ann.Lee@Example.COM ')).toBe('ann.lee@example.com');
    for (const bad of ['ann', 'ann@', '@x.com', 'a b@x.com', 'ann@x', 'ann@x.c']) expect(normalizeEmail(bad), bad).toBeUndefined();
  });

  it('reads member references: an id or <channel>:<platform user id>', () => {
    expect(parseMemberRef('mem_1a2b')).toEqual({ kind: 'id', id: 'mem_1a2b' });
    expect(parseMemberRef('tg:42')).toEqual({ kind: 'identity', channel: 'tg', externalId: '42' });
    expect(parseMemberRef('wecom:wmABC:x')).toEqual({ kind: 'identity', channel: 'wecom', externalId: 'wmABC:x' });
    for (const bad of ['ann', ':42', 'tg:', '']) expect(parseMemberRef(bad), bad).toBeUndefined();
  });

  it('makes attribute names usable in {{ member.<attribute> }}', () => {
    expect(attributeKey('城市')).toBe('城市');
    expect(attributeKey('Sign-up Date')).toBe('sign-up_date');
    expect(attributeKey('Course (2024)')).toBe('course_2024');
    expect(attributeKey('2024届')).toBe('_2024届');
    expect(attributeKey('ＣＩＴＹ')).toBe('city');
    expect(attributeKey('!!!')).toBeUndefined();
    expect(attributeKey('__proto__')).toBe('__proto__');
  });

  it('reads amounts as numeric(14,2) text', () => {
    expect(parseAmount('199')).toBe('199.00');
    expect(parseAmount('199.9')).toBe('199.90');
    expect(parseAmount('1,299.00')).toBe('1299.00');
    expect(parseAmount('¥199')).toBe('199.00');
    expect(parseAmount('199元')).toBe('199.00');
    expect(parseAmount('USD 19.99')).toBe('19.99');
    expect(parseAmount(19.99)).toBe('19.99');
    expect(parseAmount('0')).toBe('0.00');
    for (const bad of ['-5', 'abc', '1.999', '1,2,3', '9999999999999', '']) expect(parseAmount(bad), bad).toBeUndefined();
    expect(parseAmount(-1)).toBeUndefined();
    expect(parseAmount(1.234)).toBeUndefined();
  });

  it('reads ISO instants as they are and local date-times in the workspace zone', () => {
    expect(parseOrderTime('2026-12-01T12:00:00Z', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(parseOrderTime('2026-12-01T20:00:00+08:00', 'Europe/Berlin')?.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(parseOrderTime('2026-12-01 20:00', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(parseOrderTime('2026/12/1 20:00:30', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T12:00:30.000Z');
    expect(parseOrderTime('2026年12月1日 20:00', 'Asia/Shanghai')?.toISOString()).toBe('2026-12-01T12:00:00.000Z');
    expect(parseOrderTime('2026-12-01', 'Asia/Shanghai')?.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(parseOrderTime('2026-12-01T20:00', 'Europe/Berlin')?.toISOString()).toBe('2026-12-01T19:00:00.000Z');
    for (const bad of ['yesterday', '2026-13-01', '2026-02-30 10:00', '']) expect(parseOrderTime(bad, 'Asia/Shanghai'), bad).toBeUndefined();
  });
});

describe('members files', () => {
  it('reads English headers, attributes by normalized name, empty cells left out', () => {
    const r = readMemberCsv(bytes('phone,name,City,Sign-up Date\n13800138000,Ann,Shanghai,2026-11-01\n+44 20 7946 0958,Bob,,\n'));
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([
      { row: 2, phone: '+8613800138000', name: 'Ann', attrs: { city: 'Shanghai', 'sign-up_date': '2026-11-01' } },
      { row: 3, phone: '+442079460958', name: 'Bob', attrs: {} },
    ]);
  });

  it('reads Chinese headers with a BOM, notes in brackets, and a GBK file from Excel', () => {
    const text = '\uFEFF手机号（必填）,姓名,邮箱,城市\n13800138000,林伟,LW@Example.com,杭州\n';
    const r = readMemberCsv(bytes(text));
    expect(r.problems).toEqual([]);
    expect(r.rows).toEqual([{ row: 2, phone: '+8613800138000', email: 'lw@example.com', name: '林伟', attrs: { 城市: '杭州' } }]);
    // 成员,姓名 / mem_1,王芳 in GB18030
    const gbk = new Uint8Array([0xb3, 0xc9, 0xd4, 0xb1, 0x2c, 0xd0, 0xd5, 0xc3, 0xfb, 0x0a, 0x6d, 0x65, 0x6d, 0x5f, 0x31, 0x2c, 0xcd, 0xf5, 0xb7, 0xbc, 0x0a]);
    expect(readMemberCsv(gbk).rows).toEqual([{ row: 2, member: 'mem_1', name: '王芳', attrs: {} }]);
  });

  it('names every bad row with its row number (the header is row 1) and field, blank lines counted', () => {
    const r = readMemberCsv(bytes('member,phone,email,name\n,,,No identity\n\nann,,,\n,12345,,\n,,not-mail,\nmem_ok,,,\n'));
    expect(words(r.problems)).toEqual([
      { row: 2, field: undefined, message: 'the row has no member, phone or email: every row needs one of them' },
      { row: 4, field: 'member', message: 'member: "ann" is not a member; write a member id (mem_…) or <channel id>:<platform user id>' },
      { row: 5, field: 'phone', message: expect.stringContaining('phone: "12345" is not a phone number') },
      { row: 6, field: 'email', message: 'email: "not-mail" is not an e-mail address' },
    ]);
    expect(r.rows.map((x) => x.row)).toEqual([7]);
  });

  it('refuses a header without an identity column, and reserved or clashing attribute names', () => {
    expect(words(readMemberCsv(bytes('name,city\nAnn,SH\n')).problems)).toEqual([{ row: 1, field: undefined, message: expect.stringContaining('add member (成员), phone (手机) or email (邮箱). Columns found: name, city') }]);
    const reserved = readMemberCsv(bytes('phone,__proto__,Constructor,id\n13800138000,x,y,z\n'));
    expect(reserved.rows).toEqual([]);
    expect(reserved.problems.map((p) => p.field)).toEqual(['__proto__', 'Constructor', 'id']);
    expect(english(reserved.problems[1].message)).toBe('the column "Constructor" would be the attribute "constructor", which is reserved; rename the column');
    expect(words(readMemberCsv(bytes('phone,City,city\n13800138000,a,b\n')).problems)[0].message).toContain('"City" and "city" would both be the attribute "city"');
    expect(words(readMemberCsv(bytes('phone,手机\n1,2\n')).problems)[0].message).toBe('two columns both mean phone: phone and 手机; rename or remove one of them');
  });

  it('says why an empty or headless file cannot be read, in both languages', () => {
    const empty = readMemberCsv(bytes('\n\n'));
    expect(empty.problems[0].row).toBe(1);
    expect(render('zh', empty.problems[0].message)).toContain('文件是空的');
    expect(english(readMemberCsv(bytes('phone\n\n')).problems[0].message)).toBe('there are no rows under the header row');
  });

  it('caps the rows and the file size', () => {
    const many = `phone\n${'13800138000\n'.repeat(PEOPLE_IMPORT_LIMITS.MAX_ROWS + 1)}`;
    const r = readMemberCsv(bytes(many));
    expect(r.rows).toEqual([]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0].row).toBe(PEOPLE_IMPORT_LIMITS.MAX_ROWS + 2);
    expect(english(r.problems[0].message)).toBe('the file has more than 100,000 rows; split it into smaller files');
    expect(english(readMemberCsv(new Uint8Array(PEOPLE_IMPORT_LIMITS.MAX_BYTES + 1)).problems[0].message)).toContain('larger than 20 MB');
  });
});

describe('orders files', () => {
  const zone = 'Asia/Shanghai';

  it('reads English and Chinese headers alike', () => {
    const en = readOrderCsv(bytes('order,phone,amount,product,at\nA-1,13800138000,199,Camp,2026-12-01 20:00\n'), zone);
    const zh = readOrderCsv(bytes('\uFEFF订单号,手机号,金额,商品,下单时间\nA-1,13800138000,¥199.00,Camp,2026-12-01 20:00\n'), zone);
    expect(en.problems).toEqual([]);
    const expected = { row: 2, order: 'A-1', phone: '+8613800138000', amount: '199.00', product: 'Camp', at: new Date('2026-12-01T12:00:00Z') };
    expect(en.rows).toEqual([{ ...expected, raw: { order: 'A-1', amount: '199', product: 'Camp', at: '2026-12-01 20:00' } }]);
    expect(zh.rows).toEqual([{ ...expected, raw: { order: 'A-1', amount: '¥199.00', product: 'Camp', at: '2026-12-01 20:00' } }]);
  });

  it('names missing columns, bad amounts and times, and an order on two rows', () => {
    expect(readOrderCsv(bytes('phone,product\n1,2\n'), zone).problems.map((p) => p.field)).toEqual(['order', 'amount', 'at']);
    const r = readOrderCsv(bytes('order,email,amount,at\nA,a@x.com,-1,2026-12-01\nB,a@x.com,5,someday\nC,a@x.com,5,2026-12-01\nC,b@x.com,6,2026-12-02\n,a@x.com,,\n'), zone);
    expect(words(r.problems)).toEqual([
      { row: 2, field: 'amount', message: 'amount: "-1" is not an amount; write it like 199 or 199.00 (0 or more)' },
      { row: 3, field: 'at', message: 'at: "someday" is not a time; write it like 2026-12-01 20:00 (Asia/Shanghai) or 2026-12-01T12:00:00Z' },
      { row: 5, field: 'order', message: 'order: the order C is already on row 4' },
      { row: 6, field: 'order', message: 'order: the order number is empty' },
      { row: 6, field: 'amount', message: 'amount: the amount is empty' },
      { row: 6, field: 'at', message: expect.stringContaining('at: the time is empty') },
    ]);
    expect(r.rows.map((o) => o.order)).toEqual(['C']);
  });

  it('reads the webhook body with the same checks', () => {
    expect(readOrderJson({ order: 'W1', email: 'A@x.com', amount: 19.9, product: 'Book', at: '2026-12-01T00:00:00Z' }, zone)).toEqual({
      rows: [{ row: 1, order: 'W1', email: 'a@x.com', amount: '19.90', product: 'Book', at: new Date('2026-12-01T00:00:00Z'), raw: { order: 'W1', amount: '19.9', product: 'Book', at: '2026-12-01T00:00:00Z' } }],
      problems: [],
    });
    expect(readOrderJson([], zone).problems).toHaveLength(1);
    expect(readOrderJson({ order: 'W1', amount: 'x', at: 'x' }, zone).problems.map((p) => p.field)).toEqual([undefined, 'amount', 'at']);
  });
});

describe('the webhook rate window', () => {
  it('lets `limit` requests a minute through per address, then says how long to wait', async () => {
    const { rateWindow } = await import('../../src/server/routes/orders-webhook.ts');
    let now = 1_000_000;
    const limited = rateWindow(3, 60_000, () => now);
    expect([limited('a'), limited('a'), limited('a')]).toEqual([undefined, undefined, undefined]);
    expect(limited('a')).toBe(60);
    expect(limited('b')).toBeUndefined();
    now += 30_000;
    expect(limited('a')).toBe(30);
    now += 30_000;
    expect(limited('a')).toBeUndefined();
  });
});
