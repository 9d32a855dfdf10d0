import { describe, expect, it } from 'vitest';
import { defaultText, formValues, type PacingAnswer, pacingPatch } from '../../web/src/pages/channels/pacing-form.ts';

const wecom: PacingAnswer = {
  channel: 'ch_1',
  name: 'corp',
  kind: 'wecom',
  pacing: { intervalMs: 5_000, jitterMs: 1_000, dailyCap: null, perChatDailyCap: 1 },
  defaults: { intervalMs: 2_000, jitterMs: 1_000, dailyCap: null, perChatDailyCap: 1 },
  changed: ['intervalMs'],
  bounds: { intervalMs: { min: 0, max: 3_600_000 }, jitterMs: { min: 0, max: 3_600_000 }, dailyCap: { min: 1, max: 1e6 }, perChatDailyCap: { min: 1, max: 31 } },
};

describe('the pacing form', () => {
  it('shows changed settings in seconds and leaves the defaults empty, with the default as a hint', () => {
    expect(formValues(wecom)).toEqual({ intervalMs: '5', jitterMs: '', dailyCap: '', perChatDailyCap: '' });
    expect(defaultText('intervalMs', wecom, 'no cap')).toBe('2');
    expect(defaultText('dailyCap', wecom, 'no cap')).toBe('no cap');
  });

  it('asks for what changed: seconds become ms, an emptied field goes back to the default', () => {
    expect(pacingPatch({ intervalMs: '5', jitterMs: '', dailyCap: '', perChatDailyCap: '' }, wecom)).toEqual({ patch: {} });
    expect(pacingPatch({ intervalMs: '', jitterMs: '0.5', dailyCap: '200', perChatDailyCap: '' }, wecom)).toEqual({
      patch: { intervalMs: 'default', jitterMs: 500, dailyCap: 200 },
    });
    expect(pacingPatch({ intervalMs: 'fast', jitterMs: '', dailyCap: '', perChatDailyCap: '' }, wecom)).toEqual({ invalid: 'intervalMs' });
  });
});
