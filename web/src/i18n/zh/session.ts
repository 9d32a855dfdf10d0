import type en from '../en/session.ts';

export default {
  setupTitle: '欢迎使用 Chorus',
  setupIntro: '先创建所有者账号。之后由所有者把同事加进来：运营、群主、只读成员。',
  setupSubmit: '创建所有者账号',
  userName: '用户名',
  userNameHint: '登录时输入的名字，比如 "lin"。可用字母、数字、点和短横线。',
  displayName: '显示名称（别人看到的名字）',
  password: '密码',
  passwordHint: '至少 {min} 个字符。',
  passwordRepeat: '再输一次密码',
  passwordShort: '密码至少需要 {min} 个字符。',
  passwordMismatch: '两次输入的密码不一致，请重新输入。',
  signInTitle: '登录',
  signInIntro: '用分配给你的用户名和密码登录。',
  signIn: '登录',
  signingIn: '正在登录…',
  badCredentials: '用户名或密码不对，请检查后再试。',
  tooMany: '尝试次数太多了。请等大约 {minutes} 分钟再试。',
} satisfies Record<keyof typeof en, string>;
