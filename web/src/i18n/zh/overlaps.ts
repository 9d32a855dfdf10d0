// 运行预览中的提醒：同一群同一小时里还有其他运行；负责人不在团队中。
export default {
  defaultCommunity: '已按这份 SOP 的社群类型（{community}）选好群；如需其他群，请修改筛选条件。',
  title: '其他运行会在同一个群的同一个小时里发内容（共 {count} 处“群 × 小时”）：',
  title_one: '另一个运行会在同一个群的同一个小时里发内容：',
  runLine: '“{title}”：在 {groups} 个群、{hours} 个小时里共有 {actions} 个动作',
  broadcastTitle: '群发“{text}”',
  colHour: '时间（小时）',
  colGroup: '群',
  colOurs: '本次运行',
  colOther: '同时还有',
  colTheirs: '它的动作数',
  more: '……还有 {count} 处',
  leaders: '有 {count} 个群的负责人不在团队中：',
  leaders_one: '有 1 个群的负责人不在团队中：',
  leadersTasks: '这些群的待办不会送到任何人手上（本次运行中共 {count} 条待办）。请到“群管理”页从团队中选择负责人。',
  leadersTasks_one: '它的待办不会送到任何人手上（本次运行中 1 条待办）。请到“群管理”页从团队中选择负责人。',
  listSeparator: '、',
};
