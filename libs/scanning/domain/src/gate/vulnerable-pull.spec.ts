import { describe, expect, it } from 'vitest';
import {
  judgeVulnerablePull,
  parseFindings,
  severityRank,
  thresholdOf,
  type GateReport,
} from './vulnerable-pull';

const success = (...findings: Array<[string, string]>): GateReport => ({
  status: 'Success',
  findings,
});
const NONE = new Set<string>();

describe('thresholdOf', () => {
  it.each([
    ['high', 'High'],
    ['CRITICAL', 'Critical'],
    ['low', 'Low'],
    ['medium', 'Medium'],
    ['none', 'None'],
    ['negligible', 'None'],
    ['unknown', 'Unknown'],
    [undefined, 'Unknown'],
    ['bogus', 'Unknown'],
  ])('reads %s as %s', (metadata, threshold) => {
    expect(thresholdOf(metadata)).toBe(threshold);
  });
});

describe('severityRank', () => {
  it('orders Harbor severities, None and Unknown alike, unknown words above Critical', () => {
    expect(severityRank('None')).toBe(severityRank('Unknown'));
    const order = ['Unknown', 'Negligible', 'Low', 'Medium', 'High', 'Critical', 'Catastrophic'];
    const ranks = order.map(severityRank);
    expect([...ranks].sort((a, b) => a - b)).toEqual(ranks);
    expect(new Set(ranks).size).toBe(order.length);
  });
});

describe('judgeVulnerablePull', () => {
  it('refuses a High finding at threshold High, naming the count and the threshold', () => {
    const verdict = judgeVulnerablePull('High', success(['CVE-1', 'High'], ['CVE-2', 'Low']), NONE);
    expect(verdict).toEqual({
      allowed: false,
      message:
        'current image with 2 vulnerabilities cannot be pulled due to configured policy in \'Prevent images with vulnerability severity of "High" or higher from running.\' To continue with pull, please contact your project administrator to exempt matched vulnerabilities through configuring the CVE allowlist.',
    });
  });

  it('says vulnerability for one', () => {
    const verdict = judgeVulnerablePull('Low', success(['CVE-1', 'Critical']), NONE);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.message).toMatch(/^current image with 1 vulnerability /);
  });

  it('passes findings below the threshold, and a clean report', () => {
    expect(judgeVulnerablePull('Critical', success(['CVE-1', 'High']), NONE)).toEqual({
      allowed: true,
    });
    expect(judgeVulnerablePull('None', success(), NONE)).toEqual({ allowed: true });
  });

  it('drops allowlisted ids before judging and counting', () => {
    const report = success(['CVE-1', 'Critical'], ['CVE-2', 'High'], ['CVE-3', 'Low']);
    expect(judgeVulnerablePull('High', report, new Set(['CVE-1', 'CVE-2']))).toEqual({
      allowed: true,
    });
    const verdict = judgeVulnerablePull('High', report, new Set(['CVE-1']));
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.message).toContain('with 2 vulnerabilities');
  });

  it('blocks on any finding at threshold None or Unknown, and on a severity it does not know', () => {
    expect(judgeVulnerablePull('None', success(['CVE-1', 'Unknown']), NONE).allowed).toBe(false);
    expect(judgeVulnerablePull('Unknown', success(['CVE-1', 'None']), NONE).allowed).toBe(false);
    expect(judgeVulnerablePull('Critical', success(['CVE-1', 'Severe']), NONE).allowed).toBe(false);
  });

  it('refuses an image never scanned, and one whose scan has not succeeded', () => {
    const unscanned = judgeVulnerablePull('High', undefined, NONE);
    expect(unscanned.allowed).toBe(false);
    if (!unscanned.allowed)
      expect(unscanned.message).toBe(
        'current image without vulnerability scanning cannot be pulled due to configured policy in \'Prevent images with vulnerability severity of "High" or higher from running.\' To continue with pull, please contact your project administrator for help.',
      );
    for (const status of ['Pending', 'Running', 'Error', 'Stopped']) {
      const verdict = judgeVulnerablePull('High', { status, findings: [] }, NONE);
      expect(verdict.allowed).toBe(false);
      if (!verdict.allowed)
        expect(verdict.message).toMatch(
          new RegExp(`^current image with "${status}" status of vulnerability scanning`),
        );
    }
  });
});

describe('parseFindings', () => {
  it('reads the compact pairs', () => {
    expect(parseFindings('[["CVE-1","High"],["GHSA-x","Low"]]')).toEqual([
      ['CVE-1', 'High'],
      ['GHSA-x', 'Low'],
    ]);
    expect(parseFindings('[]')).toEqual([]);
  });

  it.each(['not json', '{"a":1}', '[["CVE-1"]]', '[[1,"High"]]'])('refuses %s', (json) => {
    expect(() => parseFindings(json)).toThrow(/scan report finding/);
  });
});
