// Is a message a question? Used to tell an answered question (a reply to another member's
// question) from a plain reply. Pure, deliberately simple: a question mark (either width), or a
// Chinese question word or particle, or an English question word at the start.

const ZH = /[？?]|吗|呢[。！!]?$|怎么|怎样|如何|为什么|为啥|什么|哪里|哪个|哪些|哪儿|谁|多少|几点|几个|是否|能不能|可不可以|有没有|请问|求助/;
const EN = /^\s*(how|what|why|when|where|who|which|can|could|does|do|is|are|should|would|will|anyone)\b/i;

export function isQuestion(text: string | null | undefined): boolean {
  if (!text) return false;
  return ZH.test(text) || EN.test(text);
}
