// What connectors report back: a WeChat account's sign-in, what an action returned.
export default {
  signInTitle: 'Sign the WeChat account in',
  signInWaiting: 'Waiting for the WeChat puppet to show a login QR code…',
  signInScan: 'Open WeChat on the phone of the account Chorus should use, tap + → Scan, and scan this code. Then confirm on the phone.',
  signInScanned: 'Scanned. Confirm the sign-in on the phone.',
  signInExpired: 'This code expired; a new one appears in a moment.',
  signInDone: 'Signed in as {name}.',
  signInQrAlt: 'Login QR code for the WeChat account',
  signInCli: 'In a terminal: chorus channel login {id}',
  inviteTitle: 'Invite link of this group',
  inviteExpires: 'Valid until',
  inviteQrAlt: 'The group’s join QR code',
  resultTitle: 'What the platform returned',
};
