import { describe, expect, it } from 'vitest';
import { scanTypeOf } from './scan-request-body';

describe('scan request body', () => {
  it.each([
    [undefined, 'vulnerability'],
    [{}, 'vulnerability'],
    [{ scan_type: 'sbom' }, 'sbom'],
    [{ scan_type: { scan_type: 'vulnerability' } }, 'vulnerability'],
    [{ scan_type: { scan_type: 'sbom' } }, 'sbom'],
  ])('reads %j as %s', (body, type) => {
    expect(scanTypeOf(body)).toBe(type);
  });

  it.each([[{ scan_type: 'virus' }], [{ scan_type: { scan_type: 3 } }], [[1]], ['text']])(
    'refuses %j with a 400',
    (body) => {
      expect(() => scanTypeOf(body)).toThrow(/scan_type|JSON object/);
    },
  );
});
