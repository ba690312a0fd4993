import { describe, expect, it } from 'vitest';
import {
  commentError,
  emailError,
  passwordError,
  realnameError,
  usernameError,
} from './user-validation';

describe('user field rules (Harbor)', () => {
  it.each(['alice', 'a', 'first.last', 'team-x_1', 'a'.repeat(255), 'Ünïcode'])(
    'accepts the username %j',
    (name) => expect(usernameError(name)).toBeUndefined(),
  );

  it.each(['', 'a'.repeat(256), 'a,b', 'a"b', 'a~b', 'a#b', 'a%b', 'robot$x', 'a:b', 'a\nb', ' a'])(
    'refuses the username %j',
    (name) => expect(usernameError(name)).toBeDefined(),
  );

  it.each(['a@example.com', 'first.last+tag@sub.example.org'])('accepts the email %j', (e) =>
    expect(emailError(e)).toBeUndefined(),
  );

  it.each(['', 'plain', 'a@b', 'a@@example.com', 'a b@example.com', `${'a'.repeat(250)}@ex.com`])(
    'refuses the email %j',
    (e) => expect(emailError(e)).toBeDefined(),
  );

  it.each(['Passw0rd', 'aB3aB3aB3aB3', `Aa1${'x'.repeat(125)}`])('accepts the password %j', (p) =>
    expect(passwordError(p)).toBeUndefined(),
  );

  it.each(['Pa0rd', 'password1', 'PASSWORD1', 'Password', `Aa1${'x'.repeat(126)}`])(
    'refuses the password %j',
    (p) => expect(passwordError(p)).toBeDefined(),
  );

  it('limits realname and comment as Harbor does', () => {
    expect(realnameError('Alice Smith')).toBeUndefined();
    expect(realnameError('a#b')).toBeDefined();
    expect(commentError('x'.repeat(30))).toBeUndefined();
    expect(commentError('x'.repeat(31))).toBeDefined();
  });
});
