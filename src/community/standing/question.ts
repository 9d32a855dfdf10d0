// Is a message a question? Used to tell an answered question (a reply to another member's
// question) from a plain reply, and by Insight's question inbox. Pure, regular expressions only,
// documented in docs/insight.md#the-question-rule and measured on the corpus in
// test/insight/question-corpus.ts. The rule, in order:
// 1. Links are removed first (a URL's `?` asks nothing), and leading @mentions.
// 2. A question mark, either width, makes it a question.
// 3. Otherwise each sentence is read on its own, after masking phrases that hold a question word
//    but do not ask (没什么, 什么都, 怎么这么, 哪里哪里, 多少有点, 前几天, what a, why not …):
//    - 吗 anywhere asks;
//    - a sentence ending in ! that exclaims (这么/那么/多么/太/真/好 in Chinese, any English) does not;
//    - Chinese: a question word (怎么, 什么, 哪, 谁, 几点, 多少, 是否, 请问 …), A-不-A (有没有,
//      好不好, 可不可以), a clause ending in 么, in 了没(有), or in 呢 (unless it says 还/在/着…:
//      我还在路上呢),
//      a request (求链接, 求推荐);
//    - English: a sentence starting (after hi/sorry/ok …) with a question word not followed by a
//      subject (what time…, who's…, but not "when I joined"), an auxiliary followed by a subject
//      (is it…, can someone…, don't you…), anyone/any tips; or asking phrases anywhere
//      (does anyone know, I wonder if, not sure where, can't find, need help).

const LINK = /\b[a-z][a-z0-9+.-]*:\/\/\S+|\bwww\.\S+/gi;
const MENTIONS = /^\s*(?:@\S+\s*)+/;

// Phrases with a question word that do not ask.
const ZH_NOT = new RegExp(
  [
    '没什么|没啥|什么都|啥都|什么的|什么也|不知道说什么|(?:已经|我)知道(?:怎么|为什么|哪)',
    '怎么这么|怎么那么|怎么说呢|怎么可能|怎么都|怎么也|不怎么',
    '多少有点|多多少少|或多或少|哪里哪里|哪怕|谁都|谁也',
    '(?:无论|不管|不论)(?:如何|怎样|怎么|什么|谁|多少|哪)',
    '(?:之前|以前|前|后|这|那|好|十|没|过|最近)几',
  ].join('|'),
  'g',
);
const EN_NOT = /\bwhat an?\b|\bwhy not\b|\bhow (?!much|many|long|far|often|old|big|soon|late|early|do|does|did|can|could|should|would|will|is|are|was|were|to)[a-z]+ (?:is|was|are|were) (?:that|this|it)\b/gi;

const ZH_WORD = new RegExp(
  [
    '怎么|怎样|怎办|咋|如何|为什么|为何|为啥|干嘛|什么|啥|哪|谁|多少|多久|多长时间|多大|多远',
    '几(?:点|号|时|天|个|次|岁|月|周|节|期|分|块|钱|位|遍|门|种|套|件|人|楼)',
    '是否|能否|可否|请问|求助|想问|问一下|问下|咨询|想知道|找不到|打不开|进不去',
    // A-不-A and A-没-A: 有没有, 是不是, 好不好, 可不可以.
    '(?![不没一])([\\u4e00-\\u9fff])[不没]\\1',
    // A request: 求 opening a clause, or asking for a thing.
    '(?:^|[\\s，,、:：])求(?!职|婚|生|学|饶)|求(?:链接|资料|分享|推荐|带|问|解|教|科普|指导|指点|课件|回放|解答|答案|攻略|私发|发)',
  ].join('|'),
);
const ZH_EXCLAIMS = /这么|那么|多么|太|真|好/;
// A clause ending in 么 (可以么, 在么) but not in 什么, 怎么, 这么, 那么, 多么, 要么.
const ZH_MA_END = /(?<![什怎这那多要])么$/;
// A clause ending in 呢 asks unless it tells (我还在路上呢, 好着呢).
const ZH_NE_END = /呢[啊呀]?$/;
const ZH_NE_TELLS = /[还在着正才都可倒挺蛮]/;
// A clause ending in 了没(有) / 过没(有): 抢到了没有, 吃过没.
const ZH_MEIYOU_END = /[了过]没有?$/;

const LEAD = /^(?:(?:hi|hey|hello|excuse me|sorry|um+|so|ok(?:ay)?|btw|guys|everyone|all|folks|teacher|coach)\b[\s,!.]*)*/i;
const SUBJECT = '(?:i|you|we|they|he|she|it|there|this|that|these|those|anyone|anybody|someone|somebody|everyone|everybody|the|my|our|your|his|her|their)';
const EN_START = new RegExp(
  [
    // A question word not followed by a subject ("when I joined" tells).
    `^(?:what|why|how|when|where|who|which|whose|whom)(?:'s|'re|'d|'ll)?\\b(?!\\s+(?:i|we|you|they|he|she)\\b)`,
    `^(?:is|are|was|were|am|do|does|did|can|could|will|would|should|shall|has|have|had|may|might|must)\\s+${SUBJECT}\\b`,
    `^(?:can't|cannot|couldn't|won't|wouldn't|shouldn't|isn't|aren't|wasn't|doesn't|don't|didn't|haven't|hasn't)\\s+${SUBJECT}\\b`,
    '^any(?:one|body)\\b',
    '^any\\s+(?:tips|ideas?|updates?|news|recommendations?|suggestions?|advice|thoughts|chance|luck|feedback)\\b',
  ].join('|'),
  'i',
);
const EN_ANYWHERE =
  /\b(?:does|do|did) (?:anyone|anybody|someone|somebody) know\b|\bwonder(?:ing)? (?:if|whether|how|what|when|where|why|who)\b|\bnot sure (?:how|where|when|what|if|whether|why|which)\b|\b(?:can't|cannot|couldn't) (?:find|open|see|access|log ?in|join the)\b|\b(?:need|please|pls|plz) help\b|\bhelp me\b|\bi'?d like to know\b|\b(?:can|could) (?:someone|anyone|anybody)\b/i;

function clauseAsks(clause: string): boolean {
  const c = clause.trim();
  return ZH_MA_END.test(c) || ZH_MEIYOU_END.test(c) || (ZH_NE_END.test(c) && !ZH_NE_TELLS.test(c));
}

function sentenceAsks(sentence: string): boolean {
  const exclaimed = /[!！]\s*$/.test(sentence);
  const body = sentence.replace(ZH_NOT, '·').replace(EN_NOT, '·');
  if (body.includes('吗')) return true;
  if (exclaimed && ZH_EXCLAIMS.test(body)) return false;
  const bare = body.replace(/[\s.!;。！；~～…]+$/, '');
  if (ZH_WORD.test(bare) || bare.split(/[，,、：:]/).some(clauseAsks)) return true;
  if (exclaimed) return false;
  const lead = bare.trim().replace(LEAD, '');
  return EN_START.test(lead) || EN_ANYWHERE.test(bare);
}

export function isQuestion(text: string | null | undefined): boolean {
  if (!text) return false;
  const t = text.replace(LINK, ' ').replace(/[’‘]/g, "'").replace(MENTIONS, '');
  if (/[?？]/.test(t)) return true;
  for (const m of t.matchAll(/[^.!;。！；\n]+[.!;。！；\n]*/g)) if (sentenceAsks(m[0])) return true;
  return false;
}
