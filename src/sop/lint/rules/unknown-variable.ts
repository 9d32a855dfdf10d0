// DESIGN: "An unknown name is an error, never an empty string." A typo in `{{ name }}` would stop
// every run of the sheet at planning time — or worse, reach members with braces in the text.

import { closest } from '../../parse.ts';
import { MEMBER_ACTIONS, type Step } from '../../types.ts';
import { stepName } from '../context.ts';
import type { Report, Rule } from '../finding.ts';
import { type Placeholder, placeholders, renderedFields, unclosedPlaceholder } from '../texts.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_-]*)?$/;

const memberAddressed = (step: Step): boolean => MEMBER_ACTIONS.has(step.do) || step.when.kind === 'event';

/** Why `p` cannot be filled in, or undefined when it can. */
function problem(p: Placeholder, step: Step, vars: string[], declared: ReadonlySet<string>): { message: string; hint: string } | undefined {
  const name = p.name;
  const shown = `\`${p.raw}\``;
  if (!name) return { message: `${shown} is empty`, hint: 'Put a variable name inside the braces, like {{ course }}, or remove them.' };
  if (!NAME.test(name)) {
    return {
      message: `${shown} is not a variable name (names are letters, digits and _, like {{ course }} or {{ group.name }})`,
      hint: 'Write one name inside the braces; text around it goes outside them.',
    };
  }
  const [head, attr] = name.split('.');
  if (attr === undefined) {
    if (declared.has(name) || name === 'day') return undefined;
    if (head === 'group' || head === 'member' || head === 'run') {
      const example = head === 'run' ? 'run.anchor' : `${head}.name`;
      return { message: `${shown} needs an attribute, like {{ ${example} }}`, hint: `Write {{ ${example} }} or another attribute of the ${head}.` };
    }
    const near = closest(name, [...vars, 'day']);
    return {
      message: `${shown} is not a variable of this sheet${near ? ` (did you mean \`${near}\`?)` : ''}; it would stop every run at planning`,
      hint: near
        ? `Fix the spelling to {{ ${near} }}, or declare \`${name}\` under \`vars:\`.`
        : `Declare it under \`vars:\` (for example \`${name}: { required: true }\`), or use {{ group.${name} }} if each group supplies it.`,
    };
  }
  if (head === 'group') return undefined;
  if (head === 'member') {
    if (memberAddressed(step)) return undefined;
    return {
      message: `${shown}: ${/^[aeiou]/.test(step.do) ? 'an' : 'a'} \`${step.do}\` goes to the whole group, so there is no single member to fill in`,
      hint: 'Address the group instead ("everyone"), or send it privately with `notify`, `direct_message` or `remind`, where {{ member.name }} works.',
    };
  }
  if (head === 'run') {
    if (attr === 'anchor') return undefined;
    return { message: `${shown} is not known; the run offers only {{ run.anchor }}`, hint: 'Use {{ run.anchor }}, or declare a sheet variable under `vars:`.' };
  }
  const near = closest(head, ['group', 'member', 'run']);
  return {
    message: `${shown} is not a variable of this sheet${near ? ` (did you mean \`${near}.${attr}\`?)` : ''}; it would stop every run at planning`,
    hint: near ? `Write {{ ${near}.${attr} }}.` : 'Names with a dot start with group., member. or run.; other variables are declared under `vars:`.',
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
            message: `${stepName(step)}: ${bad.message}${n > 1 ? ` (used ${n} times in this text)` : ''}`,
            hint: bad.hint,
          });
        }
        if (unclosedPlaceholder(field.value)) {
          out.push({
            path: field.path,
            at: ctx.source.find(ctx.pos(field.path), '{{', field.value.split('{{').length - 2),
            message: `${stepName(step)}: a \`{{\` is never closed with \`}}\`, so people would see the braces`,
            hint: 'Close it, like {{ course }}, or remove the braces.',
          });
        }
      }
    }
    return out;
  },
};
