import { describe, expect, it } from 'vitest';
import { AdapterReportError, adapterSeverity, readAdapterReport } from './adapter-report';

const DIGEST = `sha256:${'b'.repeat(64)}`;

describe('readAdapterReport', () => {
  it('keeps the items, sorted most severe first, keyed to the digest', () => {
    const read = readAdapterReport(
      {
        scanner: { name: 'Trivy', vendor: 'Aqua Security', version: '0.50.0' },
        vulnerabilities: [
          { id: 'CVE-1', package: 'zlib', version: '1.2', fix_version: '', severity: 'Low' },
          {
            id: 'CVE-2',
            package: 'openssl',
            version: '3.0.9',
            fix_version: '3.0.11',
            severity: 'Critical',
            links: ['https://nvd.example/CVE-2', 'javascript:alert(1)'],
            preferred_cvss: { score_v3: 9.8, vector_v3: 'CVSS:3.1/AV:N' },
          },
        ],
      },
      DIGEST,
    );
    expect(read.scanner).toEqual({ name: 'Trivy', vendor: 'Aqua Security', version: '0.50.0' });
    expect(read.items.map((i) => [i.id, i.severity])).toEqual([
      ['CVE-2', 'Critical'],
      ['CVE-1', 'Low'],
    ]);
    expect(read.items[0]).toMatchObject({
      links: ['https://nvd.example/CVE-2'],
      preferred_cvss: { score_v3: 9.8, vector_v3: 'CVSS:3.1/AV:N' },
      artifact_digests: [DIGEST],
    });
  });

  it('reads a report without vulnerabilities as clean', () => {
    expect(readAdapterReport({ scanner: { name: 'X' } }, DIGEST).items).toEqual([]);
  });

  it('refuses what it cannot store', () => {
    expect(() => readAdapterReport('nope', DIGEST)).toThrow(AdapterReportError);
    expect(() => readAdapterReport({ vulnerabilities: {} }, DIGEST)).toThrow(/not a list/);
    expect(() => readAdapterReport({ vulnerabilities: [{ id: 'CVE-3' }] }, DIGEST)).toThrow(
      /no id or package/,
    );
  });
});

describe('adapterSeverity', () => {
  it('maps Harbor’s scale onto Berth’s, Negligible as Low and anything else as Unknown', () => {
    expect(['Critical', 'high', 'Negligible', 'None', 'Severe', 3].map(adapterSeverity)).toEqual([
      'Critical',
      'High',
      'Low',
      'None',
      'Unknown',
      'Unknown',
    ]);
  });
});
