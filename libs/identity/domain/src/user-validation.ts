/** Harbor's field rules for local users; each returns an error message, or undefined when valid. */

// Harbor refuses these in usernames; `#` also keeps deleted users' `name#id` out of reach.
const USERNAME_ILLEGAL = /[,"~#%$]/;
// `:` would split a Basic credential; control characters never belong in a name.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_OR_COLON = /[\x00-\x1f\x7f:]/;
const REALNAME_ILLEGAL = /[,~#$%]/;
const EMAIL =
  /^[^\s@<>()[\]\\,;:"]+(\.[^\s@<>()[\]\\,;:"]+)*@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}$/;

export function usernameError(username: string): string | undefined {
  if (username.length < 1 || username.length > 255) return 'username must be 1 to 255 characters';
  if (USERNAME_ILLEGAL.test(username)) return 'username must not contain any of ,"~#%$';
  if (UNPRINTABLE_OR_COLON.test(username))
    return 'username must not contain ":" or control characters';
  if (username.trim() !== username) return 'username must not start or end with a space';
  return undefined;
}

export function emailError(email: string): string | undefined {
  if (email.length < 1 || email.length > 255) return 'email must be 1 to 255 characters';
  return EMAIL.test(email) ? undefined : 'email is not a valid address';
}

export function realnameError(realname: string): string | undefined {
  if (realname.length > 255) return 'realname must be at most 255 characters';
  if (REALNAME_ILLEGAL.test(realname)) return 'realname must not contain any of ,~#$%';
  return undefined;
}

export function commentError(comment: string): string | undefined {
  return comment.length > 30 ? 'comment must be at most 30 characters' : undefined;
}

/** Harbor's password policy: 8 to 128 characters with at least one upper, one lower case letter and a digit. */
export function passwordError(password: string): string | undefined {
  if (password.length < 8 || password.length > 128) return 'password must be 8 to 128 characters';
  if (!/[A-Z]/.test(password) || !/[a-z]/.test(password) || !/[0-9]/.test(password)) {
    return 'password must contain at least one upper case letter, one lower case letter and one digit';
  }
  return undefined;
}

/** Harbor's rule for a chosen CLI secret: the password policy's. */
export function cliSecretError(secret: string): string | undefined {
  return passwordError(secret)?.replace(/^password/, 'secret');
}
