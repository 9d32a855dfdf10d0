// What a person reads when one member's row of an audience step is theirs to do: whom to write
// to (name and handle), with the text already filled in for that member, and — on Telegram — the
// start link that lets the bot write to the person itself next time. Pure. Like member-blank.ts,
// the words follow the text's own language, so a Chinese sheet reads right whatever language
// the console is in.

import { languageOfText, type TextLanguage } from './member-blank.ts';

export interface MemberTaskInput {
  action: string;
  /** The member as a person recognises them: `Ann (@ann)`. */
  who: string;
  groupName: string;
  /** The text of the step (for its language); empty for tag and move without a text. */
  text: string;
  /** Telegram: the start link for a person the bot cannot write to yet. */
  startLink?: string;
  /** `move`: the group to invite them into, and its invite link when Chorus knows one. */
  into?: { name: string; link?: string | null };
}

function language(input: MemberTaskInput): TextLanguage {
  return languageOfText(`${input.text}${input.groupName}${input.into?.name ?? ''}`);
}

/** The instruction above the text of a member's task. */
export function memberTaskInstruction(input: MemberTaskInput): string {
  const zh = language(input) === 'zh';
  const start = input.startLink
    ? zh
      ? ` 机器人还不能主动私信TA：请把这个链接发给TA一次 ${input.startLink} ，TA点“开始”之后，机器人就会自己给TA发消息。`
      : ` The bot cannot write to them yet: send them this link once — ${input.startLink} — after they tap Start, the bot writes to them itself.`
    : '';
  if (input.action === 'move' && input.into) {
    const link = input.into.link ? (zh ? ` 群邀请链接：${input.into.link}` : ` The group's invite link: ${input.into.link}`) : '';
    return zh
      ? `请邀请「${input.groupName}」的 ${input.who} 加入「${input.into.name}」。${link}${start}`
      : `Invite ${input.who} of “${input.groupName}” into “${input.into.name}”.${link}${start}`;
  }
  return zh ? `请私聊「${input.groupName}」的 ${input.who}，发送下面这条消息。${start}` : `Write privately to ${input.who} of “${input.groupName}”: send the message below.${start}`;
}

/** The private message inviting a member into another group, when the step has no text of its own. */
export function moveInvitationText(name: string, into: string, sample: string): string {
  return languageOfText(`${sample}${into}`) === 'zh'
    ? `${name}你好，邀请你加入「${into}」。这个链接只给你一个人用：`
    : `Hi ${name}, you are invited to join “${into}”. This link is for you only:`;
}
