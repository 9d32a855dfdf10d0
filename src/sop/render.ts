// Strict template rendering for step texts: `{{ course }}`, `{{ group.name }}`, `{{ group.index }}`,
// `{{ group.<attribute> }}`, `{{ run.anchor }}`, `{{ day }}`, `{{ member.<x> }}`.
//
// A text is compiled once into segments. Binding it to a plan resolves everything that does not
// depend on the group (variables, the anchor, the day), leaving a short list of literals and group
// slots; rendering per group is then a plain concatenation. An unknown or missing name is always an
// error naming it and the step — never an empty string in a message sent to 500 people.

import { closest } from './parse.ts';
import { PlanError } from './plan-error.ts';
import { MEMBER_ACTIONS, type Step } from './types.ts';

export type Ref =
  | { kind: 'var'; name: string }
  | { kind: 'group'; key: 'name' | 'index' | { attr: string } }
  | { kind: 'member'; key: string }
  | { kind: 'anchor' }
  | { kind: 'day' };

export type Segment = string | { ref: Ref; raw: string };

export interface Template {
  segments: Segment[];
  /** Problems found while reading the text itself (an unclosed `{{`, a name that is not a name). */
  problems: string[];
}

const PART = String.raw`[\p{L}_][\p{L}\p{N}_-]*`;
const NAME = new RegExp(`^${PART}(?:\\.${PART})?$`, 'u');

/** Splits a text into literals and references. Never throws: problems are returned. */
export function compileTemplate(source: string): Template {
  const segments: Segment[] = [];
  const problems: string[] = [];
  let at = 0;
  for (;;) {
    const open = source.indexOf('{{', at);
    if (open < 0) break;
    const close = source.indexOf('}}', open + 2);
    if (close < 0) {
      problems.push(`a \`{{\` near "${excerpt(source, open)}" is never closed with \`}}\``);
      break;
    }
    if (open > at) segments.push(source.slice(at, open));
    const raw = source.slice(open, close + 2);
    const name = source.slice(open + 2, close).trim();
    const ref = NAME.test(name) ? classify(name) : undefined;
    if (ref) segments.push({ ref, raw });
    else {
      problems.push(
        name.startsWith('run.')
          ? `\`${raw}\` is not known; the run offers \`{{ run.anchor }}\``
          : `\`${raw}\` is not a name; write a name like {{ course }}, {{ group.name }} or {{ member.name }}`,
      );
      segments.push(raw);
    }
    at = close + 2;
  }
  if (at < source.length) segments.push(source.slice(at));
  return { segments, problems };
}

/** `day` is the built-in D index even if a sheet also declares a variable called `day`. */
function classify(name: string): Ref | undefined {
  const dot = name.indexOf('.');
  if (dot < 0) return name === 'day' ? { kind: 'day' } : { kind: 'var', name };
  const head = name.slice(0, dot);
  const key = name.slice(dot + 1);
  if (head === 'group') return { kind: 'group', key: key === 'name' || key === 'index' ? key : { attr: key } };
  if (head === 'member') return { kind: 'member', key };
  if (head === 'run' && key === 'anchor') return { kind: 'anchor' };
  return undefined;
}

function excerpt(text: string, at: number): string {
  return text.slice(at, at + 24).split('\n')[0];
}

/** What a group offers to a text. */
export interface GroupValues {
  id: string;
  name: string;
  attrs?: Record<string, string>;
}

export interface MemberValues {
  id: string;
  name: string;
  attrs?: Record<string, string>;
}

/** Values known before any group: run variables over sheet defaults, the anchor, the day. */
export interface BindScope {
  vars: Readonly<Record<string, string>>;
  /** The anchor in the plan's zone, `yyyy-MM-dd HH:mm`. */
  anchorText: string;
  day: number;
  /** A member to fill `{{ member.* }}` with; without one, member names are kept as written. */
  member?: MemberValues;
}

export type GroupSlot = { key: 'name' | 'index' | { attr: string }; raw: string };

/** A text with only group slots left: a plain string when it does not depend on the group. */
export type Bound = string | (string | GroupSlot)[];

/**
 * Resolves every group-independent name. `problems` gets one plain sentence per unknown or missing
 * name (the caller knows the step), so that all of them can be listed before failing.
 */
export function bindTemplate(template: Template, step: Step, scope: BindScope, problems: string[]): Bound {
  const parts: (string | GroupSlot)[] = [];
  let literal = '';
  for (const seg of template.segments) {
    if (typeof seg === 'string') {
      literal += seg;
      continue;
    }
    const { ref, raw } = seg;
    switch (ref.kind) {
      case 'var': {
        const value = own(scope.vars, ref.name);
        if (value === undefined) problems.push(missingVar(raw, ref.name, scope.vars));
        else literal += value;
        break;
      }
      case 'anchor':
        literal += scope.anchorText;
        break;
      case 'day':
        literal += String(scope.day);
        break;
      case 'member': {
        if (!memberAddressed(step)) {
          problems.push(
            `\`${raw}\` is used in a \`${step.do}\` step, which is not sent to one member at a time, so there is no member to fill it in; use member names in notify, direct_message, remind or welcome steps, or in a step with \`on:\``,
          );
        } else if (!scope.member) literal += raw;
        else {
          const value = memberValue(scope.member, ref.key);
          if (value === undefined) {
            problems.push(`\`${raw}\` has no value for member ${scope.member.name} (${scope.member.id})`);
          } else literal += value;
        }
        break;
      }
      case 'group':
        if (literal) parts.push(literal);
        literal = '';
        parts.push({ key: ref.key, raw });
        break;
    }
  }
  if (!parts.length) return literal;
  if (literal) parts.push(literal);
  return parts;
}

function missingVar(raw: string, name: string, vars: Readonly<Record<string, string>>): string {
  const known = Object.keys(vars);
  const near = closest(name, known);
  const shown = known.length > 10 ? `${known.slice(0, 10).join(', ')} and ${known.length - 10} more` : known.join(', ');
  const listed = known.length ? ` (the variables with a value are ${shown})` : '';
  return `\`${raw}\` is not a variable with a value${near ? ` — did you mean \`${near}\`?` : ''}; declare \`${name}\` under \`vars:\` with a default or pass it with the run${listed}`;
}

/** Members are addressed one by one in private messages, welcomes and event-triggered steps. */
export function memberAddressed(step: Step): boolean {
  return MEMBER_ACTIONS.has(step.do) || step.when.kind === 'event';
}

function memberValue(member: MemberValues, key: string): string | undefined {
  if (key === 'name') return member.name;
  if (key === 'id') return member.id;
  const v = own(member.attrs, key);
  return v === undefined || v === '' ? undefined : v;
}

/** The value of a group slot, or undefined when the group has none (an empty cell counts as none). */
export function groupValue(group: GroupValues, index: number, key: GroupSlot['key']): string | undefined {
  if (key === 'name') return group.name || undefined;
  if (key === 'index') return String(index);
  const v = own(group.attrs, key.attr);
  return v === undefined || v === '' ? undefined : v;
}

/**
 * A value by a name the sheet or a group chose. Names like `constructor` or `toString` are read as
 * the object's own entries only, never from Object.prototype (which would render as code).
 */
export function own<T>(values: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return values !== undefined && Object.hasOwn(values, key) ? values[key] : undefined;
}

/** Concatenates a bound text for one group; the caller has checked the group's attributes. */
export function renderForGroup(bound: Bound, group: GroupValues, index: number): string {
  if (typeof bound === 'string') return bound;
  let out = '';
  for (const p of bound) {
    if (typeof p === 'string') out += p;
    else {
      const v = groupValue(group, index, p.key);
      if (v === undefined) throw new MissingGroupValue(p);
      out += v;
    }
  }
  return out;
}

export class MissingGroupValue extends Error {
  constructor(readonly slot: GroupSlot) {
    super(`${slot.raw} has no value`);
    this.name = 'MissingGroupValue';
  }
}

export function missingGroupMessage(raw: string, groups: GroupValues[]): string {
  const shown = groups
    .slice(0, 3)
    .map((g) => (g.name && g.name !== g.id ? `${g.id} (${g.name})` : g.id))
    .join(', ');
  const more = groups.length > 3 ? ` and ${groups.length - 3} more` : '';
  const noun = groups.length === 1 ? 'group' : 'groups';
  return `\`${raw}\` has no value for ${noun} ${shown}${more}; give ${groups.length === 1 ? 'that group' : 'those groups'} the attribute or change the text`;
}

/**
 * Fills the `{{ member.* }}` names that a planned text kept as written, when it is sent to one
 * member. Throws a PlanError when the member lacks one.
 */
export function fillMember(text: string, member: MemberValues): string {
  return memberFiller(text)(member);
}

/**
 * `fillMember` for one text and many members: the text is read once (an audience of 100,000
 * members is filled in with plain concatenations).
 */
export function memberFiller(text: string): (member: MemberValues) => string {
  if (!text.includes('{{')) return () => text;
  const segments = compileTemplate(text).segments;
  return (member) => {
    let out = '';
    for (const seg of segments) {
      if (typeof seg === 'string') out += seg;
      else if (seg.ref.kind === 'member') {
        const v = memberValue(member, seg.ref.key);
        if (v === undefined) {
          throw new PlanError([{ message: `\`${seg.raw}\` has no value for member ${member.name} (${member.id})` }]);
        }
        out += v;
      } else out += seg.raw;
    }
    return out;
  };
}

/** The names a text uses, for checks that run before any group is known. */
export function refsOf(template: Template): Ref[] {
  const out: Ref[] = [];
  for (const seg of template.segments) if (typeof seg !== 'string') out.push(seg.ref);
  return out;
}
