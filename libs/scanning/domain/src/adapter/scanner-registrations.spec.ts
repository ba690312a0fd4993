import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_MASK,
  adapterUrlError,
  parseConnectionInput,
  parseRegistrationInput,
} from './scanner-registrations';

describe('parseRegistrationInput', () => {
  const base = { name: 'trivy', url: 'http://trivy:8080' };

  it('reads a registration with Harbor’s defaults', () => {
    expect(parseRegistrationInput(base)).toEqual({
      name: 'trivy',
      description: '',
      url: 'http://trivy:8080',
      auth: '',
      accessCredential: undefined,
      skipCertVerify: false,
      useInternalAddr: false,
      disabled: false,
    });
  });

  it('keeps the stored credential when the mask comes back', () => {
    expect(
      parseRegistrationInput({ ...base, auth: 'Bearer', access_credential: CREDENTIAL_MASK })
        .accessCredential,
    ).toBeUndefined();
    expect(
      parseRegistrationInput({ ...base, auth: 'Bearer', access_credential: 'tok' })
        .accessCredential,
    ).toBe('tok');
  });

  it.each([
    [{ url: base.url }, /name is required/],
    [{ ...base, url: 'ftp://trivy' }, /http or https/],
    [{ ...base, url: 'http://u:p@trivy' }, /credentials/],
    [{ ...base, auth: 'Digest', access_credential: 'x' }, /auth must be/],
    [{ ...base, auth: 'Basic', access_credential: 'no-colon' }, /username:password/],
    [{ ...base, auth: 'Bearer', access_credential: 'a\nb' }, /one line/],
    [{ ...base, disabled: 'yes' }, /disabled must be true or false/],
    ['text', /JSON object/],
  ])('refuses %j', (body, message) => {
    expect(() => parseRegistrationInput(body)).toThrow(message);
  });
});

describe('parseConnectionInput', () => {
  it('needs the credential its auth names', () => {
    expect(() => parseConnectionInput({ name: 'x', url: 'http://a', auth: 'Bearer' })).toThrow(
      /access_credential is required/,
    );
    expect(
      parseConnectionInput({ name: 'x', url: 'http://a', auth: 'Bearer', access_credential: 't' }),
    ).toEqual({ name: 'x', url: 'http://a', auth: 'Bearer', accessCredential: 't' });
  });
});

describe('adapterUrlError', () => {
  it('accepts http(s) base URLs only', () => {
    expect(adapterUrlError('https://scanner.example/base')).toBeUndefined();
    expect(adapterUrlError('https://scanner.example/?x=1')).toMatch(/query/);
    expect(adapterUrlError('file:///etc/passwd')).toMatch(/http or https/);
  });
});
