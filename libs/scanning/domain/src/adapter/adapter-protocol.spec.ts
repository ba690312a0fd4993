import { describe, expect, it } from 'vitest';
import { negotiateReportMime, parseScanRequest } from './adapter-protocol';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const valid = {
  registry: { url: 'https://registry.example', authorization: 'Basic cm9ib3Q6c2VjcmV0' },
  artifact: {
    repository: 'library/app',
    digest: DIGEST,
    tag: 'v1',
    mime_type: 'application/vnd.oci.image.manifest.v1+json',
  },
};
const withRegistry = (url: string) => JSON.stringify({ ...valid, registry: { url } });
const withArtifact = (patch: Record<string, unknown>) =>
  JSON.stringify({ ...valid, artifact: { ...valid.artifact, ...patch } });

describe('parseScanRequest', () => {
  it('reads a valid request', () => {
    const parsed = parseScanRequest(JSON.stringify(valid));
    expect(parsed).toMatchObject({ ok: true, request: valid });
    expect(parsed.ok && parsed.registryUrl.host).toBe('registry.example');
  });

  it('takes a Docker manifest and defaults the MIME type to an OCI manifest', () => {
    const docker = 'application/vnd.docker.distribution.manifest.v2+json';
    expect(parseScanRequest(withArtifact({ mime_type: docker }))).toMatchObject({ ok: true });
    const noMime = JSON.stringify({
      registry: valid.registry,
      artifact: { repository: 'a/b', digest: DIGEST },
    });
    expect(parseScanRequest(noMime)).toMatchObject({
      ok: true,
      request: { artifact: { mime_type: 'application/vnd.oci.image.manifest.v1+json' } },
    });
  });

  it.each([
    ['{"registry":', 'the scan request is not valid JSON'],
    ['[]', 'the scan request must be a JSON object'],
    [JSON.stringify({ artifact: valid.artifact }), 'registry must be an object'],
    [JSON.stringify({ registry: valid.registry }), 'artifact must be an object'],
    [withArtifact({ digest: 5 }), 'artifact.digest must be a non-empty string'],
    [withArtifact({ tag: 1 }), 'artifact.tag must be a string'],
  ])('answers 400 for %s', (text, message) => {
    expect(parseScanRequest(text)).toEqual({ ok: false, status: 400, message });
  });

  it.each([
    [withRegistry('ftp://registry.example'), /http or https/],
    [withRegistry('not a url'), /not a URL/],
    [withRegistry('https://user:pw@registry.example'), /credentials/],
    [withArtifact({ repository: 'Library/App' }), /repository/],
    [withArtifact({ digest: 'sha256' }), /digest/],
    [withArtifact({ tag: 'bad tag' }), /tag/],
    [
      withArtifact({ mime_type: 'application/vnd.oci.image.index.v1+json' }),
      /not an image manifest/,
    ],
    [
      JSON.stringify({
        ...valid,
        registry: { url: 'https://r.example', authorization: 'Basic a\r\nX: y' },
      }),
      /one line/,
    ],
  ])('answers 422 for a bad value (%#)', (text, message) => {
    const parsed = parseScanRequest(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.status).toBe(422);
      expect(parsed.message).toMatch(message);
    }
  });
});

describe('negotiateReportMime', () => {
  const v11 = 'application/vnd.security.vulnerability.report; version=1.1';
  const harbor = 'application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0';

  it('answers the 1.1 report without a preference', () => {
    expect(negotiateReportMime(undefined)).toBe(v11);
    expect(negotiateReportMime('*/*')).toBe(v11);
    expect(negotiateReportMime('text/html, */*;q=0.8')).toBe(v11);
  });

  it('answers the type asked for, whatever the spacing of its parameter', () => {
    expect(negotiateReportMime(harbor)).toBe(harbor);
    expect(
      negotiateReportMime('application/vnd.scanner.adapter.vuln.report.harbor+json;version=1.0'),
    ).toBe(harbor);
  });

  it('answers nothing for types it does not produce', () => {
    expect(negotiateReportMime('application/vnd.scanner.adapter.vuln.report.raw')).toBeUndefined();
    expect(
      negotiateReportMime('application/vnd.security.sbom.report+json; version=1.0'),
    ).toBeUndefined();
  });
});
