// Seed 001: "A country has its own laws, and a group has its own rules. Make the group rules
// clear" on joining. The first people in see whatever is set when invitations open: the pinned
// rules and the welcome message must already be there.

import { msg } from '../../../i18n/index.ts';
import { stepPath, stepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { describeLanding, earliest, type Landing, minutesBetween } from '../timeline.ts';

export const rulesBeforeInvite: Rule = {
  info: {
    id: 'rules-before-invite',
    severity: 'warning',
    summary: 'group rules (announce, kind rules) and a welcome are set before the first invite',
    defaults: {},
  },
  check(ctx) {
    const invites = ctx.timeline.filter((l) => l.step.do === 'invite');
    const invite = earliest(invites);
    if (!invite) return [];
    const opens = { when: describeLanding(invite), invite: stepText(invite.step) };
    // Late only when it surely lands after some invite (so after the first); never fire on a maybe.
    const inTime = (l: Landing) => !invites.some((i) => minutesBetween(i, l).lo > 0);
    const out: Report[] = [];
    const rules = ctx.timeline.filter((l) => l.step.do === 'announce' && l.step.kind === 'rules');
    if (!rules.some(inTime)) {
      const posted = ctx.timeline.find((l) => l.step.do === 'post' && l.step.kind === 'rules');
      out.push({
        path: stepPath(invite.step),
        message: rules.length
          ? msg('lint.rules-before-invite.rulesLate', { ...opens, step: stepText(rules[0].step), at: describeLanding(rules[0]) })
          : msg('lint.rules-before-invite.noRules', opens),
        hint: posted ? msg('lint.rules-before-invite.postedHint', { step: stepText(posted.step) }) : msg('lint.rules-before-invite.noRulesHint'),
      });
    }
    // A welcome message set by a member-triggered step is in place from the start of the run.
    const welcomes = ctx.timeline.filter((l) => l.step.do === 'welcome');
    const eventWelcome = ctx.eventSteps.some((s) => s.do === 'welcome');
    if (!eventWelcome && !welcomes.some(inTime)) {
      out.push({
        path: stepPath(invite.step),
        message: welcomes.length
          ? msg('lint.rules-before-invite.welcomeLate', { ...opens, step: stepText(welcomes[0].step), at: describeLanding(welcomes[0]) })
          : msg('lint.rules-before-invite.noWelcome', opens),
        hint: msg('lint.rules-before-invite.welcomeHint'),
      });
    }
    return out;
  },
};
