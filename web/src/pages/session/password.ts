// The password rule the server enforces (src/server/accounts/passwords.ts), checked in the form
// first so that the person gets a plain message in their language before anything is sent.

import { ApiFailure } from '../../api.ts';

export const MIN_PASSWORD = 12;

/** A refusal for the form (field `password`) when the password is too short; undefined when fine. */
export function shortPassword(password: string, message: string): ApiFailure | undefined {
  return password.length < MIN_PASSWORD ? new ApiFailure(400, { code: 'password_short', message, field: 'password' }) : undefined;
}
