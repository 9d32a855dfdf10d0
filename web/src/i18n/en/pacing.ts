// The pacing section of a channel card.
export default {
  title: 'Pacing',
  intro: 'How fast this account sends. Run and broadcast previews forecast with it.',
  interval: 'Interval between sends (seconds)',
  jitter: 'Random extra wait, up to (seconds)',
  dailyCap: 'Sends per day, whole account',
  perChatDaily: 'Sends per day into one group or person',
  noCap: 'no cap',
  platformDefault: 'platform default: {value}',
  atLeast: 'at least {min} s on this platform',
  save: 'Save pacing',
  reset: 'Back to the platform defaults',
  saved: 'Saved. Previews now forecast with this pacing.',
  summary: '{interval} s apart, up to {jitter} s more; {daily} a day; {perChat} per chat a day',
  invalidNumber: '{field}: give a number, or leave it empty for the platform default.',
};
