// People in the team as leaders and assignees: choosing them, and flagging names nobody signs in with.
export default {
  notInTeamOption: '{name} — not in the team',
  notInTeamHint: 'Nobody in the team signs in as this leader: the group’s tasks reach nobody. Choose someone from the team.',
  notInTeamBadge: 'Not in the team',
  notInTeamFilter: 'Leader not in the team',
  strangersBanner: '{count} groups have a leader who is not in the team: their tasks reach nobody.',
  strangersBanner_one: '1 group has a leader who is not in the team: its tasks reach nobody.',
  strangersShow: 'Show them',
  leaderHint: 'Someone from the team who runs this group; they see its tasks on their phone. Add people on the Team page.',
};
