// 我的账号：修改自己的密码。
export default {
  title: '我的账号',
  passwordTitle: '我的密码',
  passwordIntro: '修改密码后，你在其他设备上的登录会全部退出，你创建的所有 API 令牌也会失效；当前页面保持登录。',
  currentPassword: '当前密码',
  newPassword: '新密码',
  change: '修改密码',
  changing: '正在修改…',
  passwordChanged: '密码已修改。已退出的其他登录：{sessions} 处；已失效的 API 令牌：{tokens} 个。',
};
