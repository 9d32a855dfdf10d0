// My account: one's own password.
export default {
  title: 'My account',
  passwordTitle: 'My password',
  passwordIntro: 'Changing your password signs you out everywhere else and stops every API token you made; you stay signed in here.',
  currentPassword: 'Current password',
  newPassword: 'New password',
  change: 'Change password',
  changing: 'Changing…',
  passwordChanged: 'Your password was changed. Signed out elsewhere: {sessions}. API tokens that stopped working: {tokens}.',
};
