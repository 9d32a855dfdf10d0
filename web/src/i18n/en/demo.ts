// The demo banner: the demo leaders' sign-ins, kept for owners and admins.
export default {
  signInsTitle: 'Demo group leaders can sign in as:',
  signInsHint: 'Only owners and admins see this. Each sign-in disappears once that leader sets a password of their own.',
};
