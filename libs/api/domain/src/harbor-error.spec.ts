import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BERTH_VERSION } from './berth-version';
import { HarborApiError, harborCodeForStatus, notFound } from './harbor-error';

describe('Harbor error codes', () => {
  it.each([
    [400, 'BAD_REQUEST'],
    [401, 'UNAUTHORIZED'],
    [403, 'FORBIDDEN'],
    [404, 'NOT_FOUND'],
    [405, 'METHOD_NOT_ALLOWED'],
    [409, 'CONFLICT'],
    [412, 'PRECONDITION'],
    [413, 'REQUEST_ENTITY_TOO_LARGE'],
    [415, 'UNSUPPORTED_MEDIA_TYPE'],
    [422, 'UNPROCESSABLE_ENTITY'],
    [499, 'BAD_REQUEST'],
    [500, 'UNKNOWN'],
    [503, 'UNKNOWN'],
  ])('status %i is %s', (status, code) => {
    expect(harborCodeForStatus(status)).toBe(code);
  });

  it('gives each code its status and renders Harbor’s body', () => {
    expect(notFound('no such user')).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect(new HarborApiError('CONFLICT', 'taken').toBody()).toEqual({
      errors: [{ code: 'CONFLICT', message: 'taken' }],
    });
    expect(new HarborApiError('PRECONDITION', 'x').status).toBe(412);
  });
});

describe('BERTH_VERSION', () => {
  it('is the version in the root package.json', () => {
    const pkg = JSON.parse(
      fs.readFileSync(path.join(__dirname, '../../../../package.json'), 'utf8'),
    ) as { version: string };
    expect(BERTH_VERSION).toBe(pkg.version);
  });
});
