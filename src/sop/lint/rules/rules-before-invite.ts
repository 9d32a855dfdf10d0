// Seed 001: "A country has its own laws, and a group has its own rules. Make the group rules
// clear" on joining. The first people in see whatever is set when invitations open: the pinned
// rules and the welcome message must already be there.

import { stepName, stepPath } from '../context.ts';
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
    const opens = `invitations open at ${describeLanding(invite)} (${stepName(invite.step)})`;
    // Late only when it surely lands after some invite (so after the first); never fire on a maybe.
    const inTime = (l: Landing) => !invites.some((i) => minutesBetween(i, l).lo > 0);
    const out: Report[] = [];
    const rules = ctx.timeline.filter((l) => l.step.do === 'announce' && l.step.kind === 'rules');
    if (!rules.some(inTime)) {
      const posted = ctx.timeline.find((l) => l.step.do === 'post' && l.step.kind === 'rules');
      out.push({
        path: stepPath(invite.step),
        message: rules.length
          ? `${opens}, but the group rules come later (${stepName(rules[0].step)} at ${describeLanding(rules[0])}); the first people to join see no rules`
          : `${opens}, but the sheet never pins group rules (an \`announce\` step with \`kind: rules\`)`,
        hint: posted
          ? `${stepName(posted.step)} posts rules, but a post scrolls away: make it \`do: announce\` and put it before the invite.`
          : 'Add an `announce` step with `kind: rules` before the invite: what the group is for, what is not allowed, when things happen.',
      });
    }
    // A welcome message set by a member-triggered step is in place from the start of the run.
    const welcomes = ctx.timeline.filter((l) => l.step.do === 'welcome');
    const eventWelcome = ctx.eventSteps.some((s) => s.do === 'welcome');
    if (!eventWelcome && !welcomes.some(inTime)) {
      out.push({
        path: stepPath(invite.step),
        message: welcomes.length
          ? `${opens}, but the welcome message is set later (${stepName(welcomes[0].step)} at ${describeLanding(welcomes[0])}); the first people to join are not greeted`
          : `${opens}, but the sheet never sets a welcome message (a \`welcome\` step)`,
        hint: 'Add a `welcome` step before the invite, greeting each joiner and pointing at the rules.',
      });
    }
    return out;
  },
};
