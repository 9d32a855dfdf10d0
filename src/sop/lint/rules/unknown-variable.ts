// DESIGN: "An unknown name is an error, never an empty string." A typo in `{{ name }}` would stop
// every run of the sheet at planning time — or worse, reach members with braces in the text.

import { closest } from '../../parse.ts';
import { MEMBER_ACTIONS, type Step } from '../../types.ts';
import { type Msg, msg } from '../../../i18n/index.ts';
import { fieldStepText } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { type Placeholder, placeholders, renderedFields, unclosedPlaceholder } from '../texts.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_-]*)?$/;

const memberAddressed = (step: Step): boolean => MEMBER_ACTIONS.has(step.do) || step.when.kind === 'event';

/** Why `p` cannot be filled in, or undefined when it can. */
function problem(p: Placeholder, step: Step, vars: string[], declared: ReadonlySet<string>): { message: Msg; hint: Msg } | undefined {
  const name = p.name;
  const shown = `\`${p.raw}\``;
  if (!name) return { message: msg('lint.unknown-variable.empty', { shown }), hint: msg('lint.unknown-variable.emptyHint') };
  if (!NAME.test(name)) {
    return {
      message: msg('lint.unknown-variable.notAName', { shown }),
      hint: msg('lint.unknown-variable.notANameHint'),
    };
  }
  const [head, attr] = name.split('.');
  if (attr === undefined) {
    if (declared.has(name) || name === 'day') return undefined;
    if (head === 'group' || head === 'member' || head === 'run') {
      const example = head === 'run' ? 'run.anchor' : `${head}.name`;
      return { message: msg('lint.unknown-variable.needsAttribute', { shown, example }), hint: msg(`lint.unknown-variable.needsAttributeHint.${head}`, { example }) };
    }
    const near = closest(name, [...vars, 'day']);
    return {
      message: near ? msg('lint.unknown-variable.unknownNear', { shown, near }) : msg('lint.unknown-variable.unknown', { shown }),
      hint: near ? msg('lint.unknown-variable.unknownNearHint', { near, name }) : msg('lint.unknown-variable.unknownHint', { name }),
    };
  }
  if (head === 'group') return undefined;
  if (head === 'member') {
    if (memberAddressed(step)) return undefined;
    return {
      message: msg(/^[aeiou]/.test(step.do) ? 'lint.unknown-variable.memberInGroup_an' : 'lint.unknown-variable.memberInGroup', { shown, action: step.do }),
      hint: msg('lint.unknown-variable.memberInGroupHint'),
    };
  }
  if (head === 'run') {
    if (attr === 'anchor') return undefined;
    return { message: msg('lint.unknown-variable.runAttribute', { shown }), hint: msg('lint.unknown-variable.runAttributeHint') };
  }
  const near = closest(head, ['group', 'member', 'run']);
  return {
    message: near ? msg('lint.unknown-variable.unknownNear', { shown, near: `${near}.${attr}` }) : msg('lint.unknown-variable.unknown', { shown }),
    hint: near ? msg('lint.unknown-variable.dottedNearHint', { name: `${near}.${attr}` }) : msg('lint.unknown-variable.dottedHint'),
  };
}

export const unknownVariable: Rule = {
  info: {
    id: 'unknown-variable',
    severity: 'error',
    summary: 'every {{ name }} resolves to a variable, group.*, member.* (private messages only), run.anchor or day',
    defaults: {},
  },
  check(ctx) {
    const out: Report[] = [];
    const vars = Object.keys(ctx.sheet.vars);
    const declared = new Set(vars);
    for (const step of ctx.sheet.steps) {
      for (const field of renderedFields(step)) {
        // One finding per name and field, at its first use, with how often it is used: a text
        // repeating a bad name thousands of times gets one line, found in one pass.
        const all = placeholders(field.value);
        const uses = new Map<string, number>();
        for (const p of all) uses.set(p.raw, (uses.get(p.raw) ?? 0) + 1);
        for (const p of all) {
          if (p.nth > 0) continue;
          const bad = problem(p, step, vars, declared);
          if (!bad) continue;
          const n = uses.get(p.raw) ?? 1;
          out.push({
            path: field.path,
            at: ctx.source.find(ctx.pos(field.path), p.raw),
            message: msg(n > 1 ? 'lint.stepSaysRepeated' : 'lint.stepSays', { step: fieldStepText(step, field), what: bad.message, count: n }),
            hint: bad.hint,
          });
        }
        if (unclosedPlaceholder(field.value)) {
          out.push({
            path: field.path,
            at: ctx.source.find(ctx.pos(field.path), '{{', field.value.split('{{').length - 2),
            message: msg('lint.stepSays', { step: fieldStepText(step, field), what: msg('lint.unknown-variable.unclosed') }),
            hint: msg('lint.unknown-variable.unclosedHint'),
          });
        }
      }
    }
    return out;
  },
};
