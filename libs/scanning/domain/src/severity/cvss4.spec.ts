import { describe, expect, it } from 'vitest';
import { severityOfScore } from './cvss3';
import { cvss4Score } from './cvss4';

const BASE = 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N';

describe('cvss4Score', () => {
  // Scores published by FIRST (specification examples and the v4.0 calculator).
  it.each([
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H`, 10],
    [`${BASE}/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`, 9.3],
    [`${BASE}/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H`, 7.9],
    [`${BASE}/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N`, 6.9],
    ['CVSS:4.0/AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.3],
    ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', 7.7],
    ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N', 8.3],
    ['CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N', 4.6],
  ])('scores the base vector %s as %s', (vector, score) => {
    expect(cvss4Score(vector)).toBe(score);
  });

  it.each([
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U`, 9.1],
    ['CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:P/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:U', 5.2],
    [`${BASE}/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P`, 7.7],
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/MVI:L/MSA:S`, 9.8],
    [
      'CVSS:4.0/AV:N/AC:L/AT:P/PR:N/UI:N/VC:H/VI:L/VA:L/SC:N/SI:N/SA:N/CR:H/IR:L/AR:L/MAV:N/MAC:H/MVC:H/MVI:L/MVA:L',
      8.1,
    ],
  ])('applies threat and environmental metrics: %s → %s', (vector, score) => {
    expect(cvss4Score(vector)).toBe(score);
  });

  it('scores a vector without any impact as 0 and ignores supplemental metrics', () => {
    expect(cvss4Score(`${BASE}/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N`)).toBe(0);
    expect(cvss4Score(`${BASE}/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:A/V:D/RE:L/U:Red`)).toBe(
      9.3,
    );
  });

  it('reads metrics in any order', () => {
    expect(cvss4Score('CVSS:4.0/SA:N/SI:N/SC:N/VA:H/VI:H/VC:H/UI:N/PR:N/AT:N/AC:L/AV:N')).toBe(9.3);
  });

  it('gives scores whose qualitative rating follows the v4 bands', () => {
    expect(severityOfScore(cvss4Score(`${BASE}/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N`))).toBe('Critical');
    expect(
      severityOfScore(
        cvss4Score('CVSS:4.0/AV:L/AC:L/AT:N/PR:N/UI:A/VC:L/VI:N/VA:N/SC:N/SI:N/SA:N'),
      ),
    ).toBe('Medium');
  });

  it.each([
    ['CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H', 'not a CVSS v4.0 vector'],
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H`, 'lacks SA'],
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:S`, 'bad CVSS value SA:S'],
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/XX:Y`, 'unknown CVSS v4.0 metric XX'],
    [`${BASE}/AV:L/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H`, 'bad CVSS metric "AV:L"'],
    [`${BASE}/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/`, 'bad CVSS metric ""'],
  ])('rejects %s', (vector, message) => {
    expect(() => cvss4Score(vector)).toThrow(message);
  });
});
