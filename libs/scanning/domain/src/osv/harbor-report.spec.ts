import { describe, expect, it } from 'vitest';
import {
  buildHarborReport,
  HARBOR_VULNERABILITY_REPORT_MIME,
  overallSeverity,
  summarizeVulnerabilities,
} from './harbor-report';
import type { Finding } from './vulnerability-matcher';

const DIGEST = 'sha256:6c3c624b58dbbcd3c0dd82b4c53f04194d1247c6eebdaab7c610cf7d66709b3b';

const finding = (over: Partial<Finding>): Finding => ({
  id: 'CVE-2021-23337',
  advisoryId: 'GHSA-35jh-r3h4-6jhm',
  aliases: ['CVE-2021-23337'],
  ecosystem: 'npm',
  package: 'lodash',
  version: '4.17.20',
  fixVersion: '4.17.21',
  severity: 'High',
  cvssV3: { vector: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H', score: 7.2 },
  summary: 'Command Injection in lodash',
  description: '`lodash` versions prior to 4.17.21 are vulnerable to Command Injection.',
  links: ['https://nvd.nist.gov/vuln/detail/CVE-2021-23337'],
  cweIds: ['CWE-77', 'CWE-94'],
  location: 'app/node_modules/lodash/package.json',
  ...over,
});

const input = (findings: Finding[]) => ({
  artifact: {
    repository: 'library/app',
    digest: DIGEST,
    mime_type: 'application/vnd.oci.image.manifest.v1+json',
  },
  scanner: { name: 'Berth', vendor: 'Berth', version: '1.0.0' },
  findings,
  generatedAt: new Date('2026-11-27T12:00:00Z'),
});

describe('buildHarborReport', () => {
  it("writes the items in the field names of Harbor's report", () => {
    const report = buildHarborReport(input([finding({})]));
    expect(report).toEqual({
      generated_at: '2026-11-27T12:00:00.000Z',
      artifact: {
        repository: 'library/app',
        digest: DIGEST,
        mime_type: 'application/vnd.oci.image.manifest.v1+json',
      },
      scanner: { name: 'Berth', vendor: 'Berth', version: '1.0.0' },
      severity: 'High',
      vulnerabilities: [
        {
          id: 'CVE-2021-23337',
          package: 'lodash',
          version: '4.17.20',
          fix_version: '4.17.21',
          severity: 'High',
          description: '`lodash` versions prior to 4.17.21 are vulnerable to Command Injection.',
          links: ['https://nvd.nist.gov/vuln/detail/CVE-2021-23337'],
          preferred_cvss: {
            score_v3: 7.2,
            vector_v3: 'CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H',
          },
          cwe_ids: ['CWE-77', 'CWE-94'],
          vendor_attributes: {
            osv_id: 'GHSA-35jh-r3h4-6jhm',
            aliases: ['CVE-2021-23337'],
            ecosystem: 'npm',
            location: 'app/node_modules/lodash/package.json',
          },
          artifact_digests: [DIGEST],
        },
      ],
    });
    expect(HARBOR_VULNERABILITY_REPORT_MIME).toBe(
      'application/vnd.security.vulnerability.report; version=1.1',
    );
  });

  it('sorts by severity, highest first, then by id, and takes the highest as overall', () => {
    const report = buildHarborReport(
      input([
        finding({ id: 'CVE-2023-43804', severity: 'Medium' }),
        finding({ id: 'CVE-2021-44906', severity: 'Critical' }),
        finding({ id: 'CVE-2021-23337', severity: 'High' }),
        finding({ id: 'CVE-2021-44228', severity: 'Critical' }),
        finding({ id: 'GHSA-4g82-3jcr-q52w', severity: 'Unknown' }),
      ]),
    );
    expect(report.vulnerabilities.map((v) => [v.severity, v.id])).toEqual([
      ['Critical', 'CVE-2021-44228'],
      ['Critical', 'CVE-2021-44906'],
      ['High', 'CVE-2021-23337'],
      ['Medium', 'CVE-2023-43804'],
      ['Unknown', 'GHSA-4g82-3jcr-q52w'],
    ]);
    expect(report.severity).toBe('Critical');
  });

  it('reports None and an empty list for a clean artifact', () => {
    const report = buildHarborReport(input([]));
    expect([report.severity, report.vulnerabilities]).toEqual(['None', []]);
  });

  it('carries the v4 score and vector, and the source package of a distribution finding', () => {
    const [item] = buildHarborReport(
      input([
        finding({
          id: 'CVE-2025-47273',
          cvssV3: undefined,
          cvssV4: {
            vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P',
            score: 7.7,
          },
          package: 'libexpat1',
          sourcePackage: 'expat',
          sourceVersion: '2.5.0-1+deb12u1',
        }),
      ]),
    ).vulnerabilities;
    expect(item?.preferred_cvss).toEqual({
      score_v4: 7.7,
      vector_v4: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:N/SC:N/SI:N/SA:N/E:P',
    });
    expect(item?.vendor_attributes).toMatchObject({
      source_package: 'expat',
      source_version: '2.5.0-1+deb12u1',
    });
  });
});

describe('summarizeVulnerabilities', () => {
  it('counts findings per severity and the ones with a fix, as scan_overview shows them', () => {
    const report = buildHarborReport(
      input([
        finding({ id: 'A', severity: 'Critical' }),
        finding({ id: 'B', severity: 'Critical', fixVersion: '' }),
        finding({ id: 'C', severity: 'Low' }),
        finding({ id: 'D', severity: 'Unknown', fixVersion: '' }),
      ]),
    );
    expect(summarizeVulnerabilities(report.vulnerabilities)).toEqual({
      total: 4,
      fixable: 2,
      summary: { Critical: 2, Low: 1, Unknown: 1 },
    });
    expect(summarizeVulnerabilities([])).toEqual({ total: 0, fixable: 0, summary: {} });
  });
});

describe('overallSeverity', () => {
  it('orders None < Unknown < Low < Medium < High < Critical', () => {
    expect(overallSeverity(['Unknown', 'Low'])).toBe('Low');
    expect(overallSeverity(['Unknown'])).toBe('Unknown');
    expect(overallSeverity(['Medium', 'Critical', 'High'])).toBe('Critical');
    expect(overallSeverity([])).toBe('None');
  });
});
