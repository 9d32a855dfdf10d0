// 团队成员作为负责人和待办执行人：从团队中选择，并标出没有人用来登录的名字。
export default {
  notInTeamOption: '{name}（不在团队中）',
  notInTeamHint: '团队里没有人用这个名字登录：这个群的待办不会送到任何人手上。请从团队中选择负责人。',
  notInTeamBadge: '不在团队中',
  notInTeamFilter: '负责人不在团队中',
  strangersBanner: '有 {count} 个群的负责人不在团队中：这些群的待办不会送到任何人手上。',
  strangersBanner_one: '有 1 个群的负责人不在团队中：它的待办不会送到任何人手上。',
  strangersShow: '只看这些群',
  leaderHint: '从团队中选择负责这个群的人；他们会在手机上看到这个群的待办。在“团队”页面添加成员。',
};
