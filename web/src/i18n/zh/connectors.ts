// 渠道回报的信息：微信账号的登录、动作的结果。
export default {
  signInTitle: '登录微信账号',
  signInWaiting: '正在等待 Wechaty puppet 生成登录二维码…',
  signInScan: '请用 Chorus 要使用的那个微信账号的手机打开微信，点右上角 + →「扫一扫」扫描此码，然后在手机上确认登录。',
  signInScanned: '已扫码，请在手机上确认登录。',
  signInExpired: '二维码已过期，稍后会出现新的二维码。',
  signInDone: '已登录：{name}。',
  signInQrAlt: '微信账号登录二维码',
  signInCli: '在终端中：chorus channel login {id}',
  inviteTitle: '本群的邀请链接',
  inviteExpires: '有效期至',
  inviteQrAlt: '本群的入群二维码',
  resultTitle: '平台返回的结果',
};
