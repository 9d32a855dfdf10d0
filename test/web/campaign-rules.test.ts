// The campaign form (web/src/pages/growth/campaign-rules.ts): the API body it becomes, the first
// thing to fix, and the rules in words follow what was filled in.

import { describe, expect, it } from 'vitest';
import { campaignBody, FIRST_FORM, kFactorWords, poolLow, rulesSummary } from '../../web/src/pages/growth/campaign-rules.ts';

describe('the campaign form', () => {
  it('an invite campaign: goal, stay in hours, new only, the cap, codes without blanks or repeats', () => {
    const made = campaignBody({ ...FIRST_FORM, name: ' Spring ', cap: '10', reward: 'codes', rewardCodes: 'A1\n\nB2\nA1\n', regroup: 'grp_1', board: '1d', layout: 'bold', title: 'Invite 3' }, 'community:lead');
    expect(made).toEqual({
      body: { kind: 'invite', groups: 'community:lead', name: 'Spring', goal: 3, stay: '2h', newOnly: true, cap: 10, rewardCodes: ['A1', 'B2'], regroup: 'id:grp_1', board: '1d', poster: { layout: 'bold', title: 'Invite 3' } },
    });
  });

  it('a poster campaign has a reviewer and no invite rules; a wrong number names the field to fix', () => {
    expect(campaignBody({ ...FIRST_FORM, kind: 'poster', review: 'leader', reward: 'points', rewardPoints: '50' }, 'tag:trial')).toEqual({
      body: { kind: 'poster', groups: 'tag:trial', review: 'leader', rewardPoints: 50 },
    });
    expect(campaignBody({ ...FIRST_FORM, goal: '0' }, 'x')).toEqual({ problem: 'campaigns.problemGoal' });
    expect(campaignBody({ ...FIRST_FORM, stayHours: '1.5' }, 'x')).toEqual({ problem: 'campaigns.problemStay' });
    expect(campaignBody({ ...FIRST_FORM, reward: 'task', rewardTask: ' ' }, 'x')).toEqual({ problem: 'campaigns.problemTask' });
  });

  it('the rules in words follow the form', () => {
    const keys = (f: Partial<typeof FIRST_FORM>) => rulesSummary({ ...FIRST_FORM, ...f }, { groups: 2 }).map((l) => l.key);
    expect(keys({})).toEqual(['campaigns.ruleInvite', 'campaigns.ruleGoalStay', 'campaigns.ruleLeaveEarly', 'campaigns.ruleNewOnly', 'campaigns.ruleFair', 'campaigns.ruleNoReward', 'campaigns.ruleNoEnd']);
    expect(keys({ stayHours: '', newOnly: false, cap: '5' })).toEqual(['campaigns.ruleInvite', 'campaigns.ruleGoal', 'campaigns.ruleFair', 'campaigns.ruleCap', 'campaigns.ruleNoReward', 'campaigns.ruleNoEnd']);
    expect(keys({ kind: 'poster', reward: 'points', rewardPoints: '20' })).toEqual(['campaigns.rulePoster', 'campaigns.ruleReviewAuto', 'campaigns.rulePoints', 'campaigns.ruleNoEnd']);
    expect(rulesSummary({ ...FIRST_FORM, reward: 'codes', rewardCodes: 'a\nb' }, { regroupName: 'VIP', until: '1 May' }).slice(-3)).toEqual([
      { key: 'campaigns.ruleCodes', vars: { count: 2 } },
      { key: 'campaigns.ruleRegroup', vars: { group: 'VIP' } },
      { key: 'campaigns.ruleUntil', vars: { until: '1 May' } },
    ]);
  });

  it('the K-factor in words; a pool is low at 5 codes or a tenth', () => {
    expect(kFactorWords(1.5).key).toBe('campaigns.kAbove');
    expect(kFactorWords(0.42)).toEqual({ key: 'campaigns.kBelow', vars: { k: 0.42, ten: 4.2 } });
    expect(kFactorWords(0).key).toBe('campaigns.kNone');
    expect([poolLow({ total: 100, remaining: 10 }), poolLow({ total: 100, remaining: 11 }), poolLow({ total: 20, remaining: 5 })]).toEqual([true, false, true]);
  });
});
