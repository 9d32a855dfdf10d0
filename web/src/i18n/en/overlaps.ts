// The run preview's warnings: other runs in the same groups and hours, leaders not in the team.
export default {
  defaultCommunity: 'The groups of the sheet’s community type ({community}) are chosen; change the filter to choose others.',
  title: 'Other runs land in the same groups in the same hours ({count} group-hours):',
  title_one: 'Another run lands in the same group in the same hour:',
  runLine: '“{title}”: {actions} actions in {groups} groups, over {hours} hours',
  broadcastTitle: 'the broadcast “{text}”',
  colHour: 'Hour',
  colGroup: 'Group',
  colOurs: 'This run',
  colOther: 'Also there',
  colTheirs: 'Its actions',
  more: '… and {count} more',
  leaders: '{count} groups have a leader who is not in the team:',
  leaders_one: '1 group has a leader who is not in the team:',
  leadersTasks: 'their tasks reach nobody ({count} tasks in this run). Choose leaders from the team on the Groups page.',
  leadersTasks_one: 'its tasks reach nobody (1 task in this run). Choose a leader from the team on the Groups page.',
  listSeparator: ', ',
};
