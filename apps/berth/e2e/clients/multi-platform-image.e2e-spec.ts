import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readOciLayout, sha256, writeOciLayout } from '@berth/platform/testing';
import { clientTargets, useTarget } from './targets';

// (a) A multi-platform image index built locally goes in with skopeo, is copied between
// repositories with crane, and comes back out to an OCI layout with regctl, bytes unchanged.
describe.each(clientTargets())('$name: multi-platform image index', (target) => {
  const ctx = useTarget(target);

  it('skopeo copy in, crane copy across, regctl image copy out: index and children keep their digests', async () => {
    const src = path.join(ctx.clients.home, 'src');
    const out = path.join(ctx.clients.home, 'out');
    const layout = writeOciLayout(src, { tag: 'v1', layers: 3 });
    expect(layout.manifests).toHaveLength(2);

    await ctx.clients.run('skopeo', [
      'copy',
      '--all',
      '--preserve-digests',
      ...ctx.skopeoDest,
      `oci:${src}:v1`,
      `docker://${ctx.ref('library/multi:v1')}`,
    ]);
    const pushed = (
      await ctx.clients.run('crane', ['digest', '--insecure', ctx.ref('library/multi:v1')])
    ).trim();
    expect(pushed).toBe(layout.digest);

    await ctx.clients.run('crane', [
      'copy',
      '--insecure',
      ctx.ref('library/multi:v1'),
      ctx.ref('library/multi-copy:v1'),
    ]);
    const copied = (
      await ctx.clients.run('crane', ['digest', '--insecure', ctx.ref('library/multi-copy:v1')])
    ).trim();
    expect(copied).toBe(layout.digest);

    // The index as served is byte-for-byte the one we wrote.
    const raw = await ctx.clients.run('regctl', [
      'manifest',
      'get',
      '--format',
      'raw-body',
      ctx.ref('library/multi-copy:v1'),
    ]);
    expect(sha256(raw)).toBe(layout.digest);
    // Each child by digest, too.
    for (const m of layout.manifests) {
      const child = await ctx.clients.run('crane', [
        'manifest',
        '--insecure',
        ctx.ref(`library/multi-copy@${m.digest}`),
      ]);
      expect(sha256(child)).toBe(m.digest);
    }

    await ctx.clients.run('regctl', [
      'image',
      'copy',
      ctx.ref('library/multi-copy:v1'),
      `ocidir://${out}:v1`,
    ]);
    const back = readOciLayout(out, 'v1');
    expect(back.digest).toBe(layout.digest);
    expect(back.manifests.map((m) => m.digest)).toEqual(layout.manifests.map((m) => m.digest));
    for (const blob of layout.blobs) {
      const file = path.join(out, 'blobs', 'sha256', blob.slice('sha256:'.length));
      expect(sha256(fs.readFileSync(file)), blob).toBe(blob);
    }

    // A single platform resolves through the index.
    const arm = JSON.parse(
      await ctx.clients.run('crane', [
        'manifest',
        '--insecure',
        '--platform',
        'linux/arm64/v8',
        ctx.ref('library/multi:v1'),
      ]),
    ) as { layers: unknown[] };
    expect(arm.layers).toHaveLength(3);
  });
});
