// The group list's filters and tag reading, and the channel form's request body and refusals.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHANNEL_CONFIG } from '../../src/channels/registry.ts';
import { CHANNEL_FORMS, channelBody, failureWording, refusedField } from '../../web/src/pages/channels/channel-forms.ts';
import { facets, filterGroups, NO_FILTER, readTags, UNSET } from '../../web/src/pages/groups/group-filter.ts';
import { CHANNEL_KINDS, type Group } from '../../web/src/types.ts';

const group = (over: Partial<Group>): Group => ({
  id: 'g1',
  channelId: 'ch_a',
  externalId: 'camp-01',
  name: 'Python camp 1',
  community: 'training_camp',
  tags: [],
  attrs: {},
  leader: null,
  timezone: null,
  memberCount: 10,
  status: 'active',
  createdAt: '2026-11-01T00:00:00.000Z',
  lastActivityAt: null,
  ...over,
});

const groups = [
  group({ id: 'g1', name: 'Python camp 1', leader: 'ann', tags: ['vip', 'spring'] }),
  group({ id: 'g2', name: 'Python camp 2', externalId: 'camp-02', leader: 'bo', tags: ['spring'] }),
  group({ id: 'g3', name: '铁粉俱乐部', externalId: 'fans-01', community: 'fans', channelId: 'ch_b' }),
  group({ id: 'g4', name: 'Unsorted', externalId: 'x-9', community: null, channelId: 'ch_b', leader: 'ann' }),
];
const ids = (gs: Group[]) => gs.map((g) => g.id);

describe('filterGroups', () => {
  it('keeps everything without a filter', () => {
    expect(ids(filterGroups(groups, NO_FILTER))).toEqual(['g1', 'g2', 'g3', 'g4']);
  });

  it('filters by channel, community, tag and leader, all of which must hold', () => {
    expect(ids(filterGroups(groups, { ...NO_FILTER, channel: 'ch_b' }))).toEqual(['g3', 'g4']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, community: 'training_camp' }))).toEqual(['g1', 'g2']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, tag: 'spring', leader: 'ann' }))).toEqual(['g1']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, leader: 'ann', channel: 'ch_b' }))).toEqual(['g4']);
  });

  it('"not set" finds the groups without a leader or a community type', () => {
    expect(ids(filterGroups(groups, { ...NO_FILTER, leader: UNSET }))).toEqual(['g3']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, community: UNSET }))).toEqual(['g4']);
  });

  it('text matches the name or the platform id, ignoring case', () => {
    expect(ids(filterGroups(groups, { ...NO_FILTER, text: 'PYTHON' }))).toEqual(['g1', 'g2']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, text: 'fans-0' }))).toEqual(['g3']);
    expect(ids(filterGroups(groups, { ...NO_FILTER, text: '铁粉' }))).toEqual(['g3']);
  });

  it('a filter only ever narrows the list', () => {
    fc.assert(
      fc.property(
        fc.record({
          channel: fc.constantFrom('', 'ch_a', 'ch_b'),
          community: fc.constantFrom('', 'fans', 'training_camp', UNSET),
          tag: fc.constantFrom('', 'vip', 'spring'),
          leader: fc.constantFrom('', 'ann', 'bo', UNSET),
          text: fc.constantFrom('', 'camp', 'x'),
        }),
        (f) => {
          const out = filterGroups(groups, f);
          const loose = filterGroups(groups, { ...f, text: '' });
          return out.every((g) => loose.includes(g)) && loose.every((g) => groups.includes(g));
        },
      ),
    );
  });
});

describe('facets and tags', () => {
  it('lists the distinct tags and leaders, sorted', () => {
    expect(facets(groups)).toEqual({ tags: ['spring', 'vip'], leaders: ['ann', 'bo'] });
  });

  it('reads tags separated by spaces, commas or the Chinese comma, without duplicates', () => {
    expect(readTags('vip, spring  上海，vip、北京')).toEqual(['vip', 'spring', '上海', '北京']);
    expect(readTags('   ')).toEqual([]);
  });

  it('every tag it reads is one the API accepts (no spaces, commas or plus signs)', () => {
    fc.assert(fc.property(fc.string(), (s) => readTags(s).every((t) => t.length > 0 && /^[^+,\s]+$/.test(t))));
  });
});

describe('channel forms', () => {
  it('ask for exactly the settings the server knows for each kind', () => {
    for (const kind of CHANNEL_KINDS) {
      const shape: Record<string, { safeParse: (v: unknown) => { success: boolean } }> = CHANNEL_CONFIG[kind].shape;
      const known = Object.keys(shape);
      const asked = CHANNEL_FORMS[kind].fields.map((f) => f.key);
      // Everything asked is a real setting; every required setting is asked (puppetOptions is JSON, left to the CLI).
      expect(asked.filter((k) => !known.includes(k))).toEqual([]);
      const required = known.filter((k) => !shape[k].safeParse(undefined).success);
      expect(required.filter((k) => !asked.includes(k))).toEqual([]);
      expect(CHANNEL_FORMS[kind].fields.filter((f) => f.required).map((f) => f.key).sort()).toEqual([...required].sort());
    }
  });

  it('sends trimmed values and leaves empty optional ones out', () => {
    expect(channelBody('telegram', '  Camp bot ', { token: ' 123:abc ', apiRoot: '', webhookSecret: '  ' })).toEqual({
      kind: 'telegram',
      name: 'Camp bot',
      config: { token: '123:abc' },
    });
    expect(channelBody('sandbox', '', {})).toEqual({ kind: 'sandbox', config: {} });
  });

  it('a bad field is marked; a refusal of the whole set is not', () => {
    expect(refusedField('token')).toBe('token');
    expect(refusedField('config.aesKey')).toBe('aesKey');
    expect(refusedField('config')).toBeUndefined();
    expect(refusedField(undefined)).toBeUndefined();
  });

  it('words "cannot reach the platform" apart from a refusal and a wrong field', () => {
    expect(failureWording('channel_unreachable', 'config')).toBe('channels.unreachable');
    expect(failureWording('invalid_channel', 'token')).toBe('channels.fieldWrong');
    expect(failureWording('invalid_channel', 'config')).toBe('channels.refused');
    // A refusal's own sentence says what to do; it is shown as it is.
    expect(failureWording('channel_refused', 'config')).toBeUndefined();
    expect(failureWording('channel_busy', 'config')).toBeUndefined();
  });
});
