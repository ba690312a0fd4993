import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOciLayout, sha256, writeOciLayout } from '@berth/platform/testing';
import { clientTargets, useTarget } from './targets';

// (e) skopeo copies an OCI layout directory into the registry and back; nothing changes.
describe.each(clientTargets())('$name: skopeo OCI layout round trip', (target) => {
  const ctx = useTarget(target);

  it('oci: -> docker:// -> oci: keeps the manifest, config and layer digests', async () => {
    const src = path.join(ctx.clients.home, 'src');
    const out = path.join(ctx.clients.home, 'out');
    const layout = writeOciLayout(src, {
      tag: 'v1',
      platforms: [{ architecture: 'amd64', os: 'linux' }],
      layers: 4,
      layerBytes: 256 * 1024,
    });
    await ctx.clients.run('skopeo', [
      'copy',
      '--preserve-digests',
      ...ctx.skopeoDest,
      `oci:${src}:v1`,
      `docker://${ctx.ref('library/roundtrip:v1')}`,
    ]);
    const inspected = JSON.parse(
      await ctx.clients.run('skopeo', [
        'inspect',
        ...ctx.skopeoSrc.map((f) => f.replace('--src-', '--')),
        `docker://${ctx.ref('library/roundtrip:v1')}`,
      ]),
    ) as { Digest: string; Layers: string[]; Architecture: string };
    expect(inspected.Digest).toBe(layout.digest);
    expect(inspected.Architecture).toBe('amd64');

    await ctx.clients.run('skopeo', [
      'copy',
      '--preserve-digests',
      ...ctx.skopeoSrc,
      `docker://${ctx.ref('library/roundtrip:v1')}`,
      `oci:${out}:v1`,
    ]);
    const back = readOciLayout(out, 'v1');
    expect(back.digest).toBe(layout.digest);
    const manifest = fs.readFileSync(path.join(out, 'blobs', 'sha256', back.digest.slice(7)));
    expect(sha256(manifest)).toBe(layout.digest);
    expect(
      manifest.equals(fs.readFileSync(path.join(src, 'blobs', 'sha256', layout.digest.slice(7)))),
    ).toBe(true);
    for (const blob of layout.blobs) {
      const bytes = fs.readFileSync(path.join(out, 'blobs', 'sha256', blob.slice(7)));
      expect(sha256(bytes), blob).toBe(blob);
    }
    expect(inspected.Layers).toEqual(layout.blobs.slice(1));
  });
});
