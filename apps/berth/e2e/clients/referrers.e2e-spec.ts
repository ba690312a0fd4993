import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeOciLayout } from '@berth/platform/testing';
import { clientTargets, useTarget } from './targets';

const SBOM = 'application/vnd.example.sbom.v1';

interface Discovered {
  digest?: string;
  referrers?: { digest: string; artifactType?: string }[];
  manifests?: { digest: string; artifactType?: string }[];
}

// (c) An SBOM attached to an image with oras shows up in `oras discover` and the referrers API.
describe.each(clientTargets())('$name: referrers', (target) => {
  const ctx = useTarget(target);

  it('oras attach an SBOM to an image; oras discover lists it; oras pull returns its bytes', async () => {
    const layout = writeOciLayout(path.join(ctx.clients.home, 'app'), {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', os: 'linux' }],
      layers: 2,
    });
    await ctx.clients.run('crane', ['push', '--insecure', layout.dir, ctx.ref('library/app:v1')]);
    expect(
      (await ctx.clients.run('crane', ['digest', '--insecure', ctx.ref('library/app:v1')])).trim(),
    ).toBe(layout.digest);

    const sbom = Buffer.from(
      JSON.stringify({ spdxVersion: 'SPDX-2.3', name: `app-${Date.now()}` }),
    );
    fs.writeFileSync(path.join(ctx.clients.home, 'sbom.json'), sbom);
    await ctx.clients.run('oras', [
      'attach',
      '--plain-http',
      '--no-tty',
      '--artifact-type',
      SBOM,
      ctx.ref('library/app:v1'),
      'sbom.json:application/spdx+json',
    ]);

    const discovered = JSON.parse(
      await ctx.clients.run('oras', [
        'discover',
        '--plain-http',
        '--format',
        'json',
        ctx.ref('library/app:v1'),
      ]),
    ) as Discovered;
    const referrers = discovered.referrers ?? discovered.manifests ?? [];
    const sbomRef = referrers.find((r) => r.artifactType === SBOM);
    expect(sbomRef, JSON.stringify(discovered)).toBeDefined();
    if (!sbomRef) return;

    // Filtered by artifact type, only the SBOM.
    const filtered = JSON.parse(
      await ctx.clients.run('oras', [
        'discover',
        '--plain-http',
        '--format',
        'json',
        '--artifact-type',
        SBOM,
        ctx.ref(`library/app@${layout.digest}`),
      ]),
    ) as Discovered;
    expect((filtered.referrers ?? filtered.manifests ?? []).map((r) => r.digest)).toEqual([
      sbomRef.digest,
    ]);

    const out = path.join(ctx.clients.home, 'pulled');
    await ctx.clients.run('oras', [
      'pull',
      '--plain-http',
      '--no-tty',
      '-o',
      out,
      ctx.ref(`library/app@${sbomRef.digest}`),
    ]);
    expect(fs.readFileSync(path.join(out, 'sbom.json')).equals(sbom)).toBe(true);

    // The referrers API itself: Berth must serve it (distribution-spec v1.1). oras falls back to the
    // `sha256-<digest>` tag schema when a registry does not, so accept that for other registries.
    const res = await ctx.http.fetch(
      `/v2/library/app/referrers/${layout.digest}`,
      'repository:library/app:pull',
      { headers: { accept: 'application/vnd.oci.image.index.v1+json' } },
    );
    if (res.ok || target.kind === 'berth') {
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/vnd.oci.image.index.v1+json');
      const index = (await res.json()) as {
        manifests: { digest: string; artifactType?: string }[];
      };
      expect(index.manifests).toContainEqual(
        expect.objectContaining({ digest: sbomRef.digest, artifactType: SBOM }),
      );
    } else {
      await res.arrayBuffer();
      const tag = layout.digest.replace(':', '-');
      const fallback = await ctx.clients.run('crane', [
        'manifest',
        '--insecure',
        ctx.ref(`library/app:${tag}`),
      ]);
      expect(JSON.parse(fallback).manifests).toContainEqual(
        expect.objectContaining({ digest: sbomRef.digest, artifactType: SBOM }),
      );
    }
  });
});
