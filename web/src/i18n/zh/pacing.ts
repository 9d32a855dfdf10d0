// 渠道卡片里的发送节奏。
export default {
  title: '发送节奏',
  intro: '这个账号发消息的快慢。运营和群发的预览会按它预估完成时间。',
  interval: '两次发送的间隔（秒）',
  jitter: '随机多等，最多（秒）',
  dailyCap: '整个账号每天最多发送',
  perChatDaily: '每个群或每个人每天最多收到',
  noCap: '不限',
  platformDefault: '平台默认：{value}',
  atLeast: '这个平台至少 {min} 秒',
  save: '保存发送节奏',
  reset: '恢复平台默认',
  saved: '已保存，预览会按新的节奏预估。',
  summary: '间隔 {interval} 秒，随机多等最多 {jitter} 秒；每天 {daily}；每个群每天 {perChat}',
  invalidNumber: '{field}：请填数字，留空则使用平台默认。',
};
