import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '@berth/platform/testing';
import { clientTargets, useTarget } from './targets';

// (b) A chart packaged with helm goes to oci://<host>/library/charts and comes back identical.
describe.each(clientTargets())('$name: helm chart', (target) => {
  const ctx = useTarget(target);

  it('helm package, helm push, helm pull: same bytes, and the manifest digest helm reported', async () => {
    const chart = path.join(ctx.clients.home, 'berth-demo');
    fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
    fs.writeFileSync(
      path.join(chart, 'Chart.yaml'),
      'apiVersion: v2\nname: berth-demo\ndescription: a chart made by a test\ntype: application\nversion: 0.1.0\nappVersion: "1.0.0"\n',
    );
    fs.writeFileSync(path.join(chart, 'values.yaml'), `greeting: ${Date.now()}\n`);
    fs.writeFileSync(
      path.join(chart, 'templates', 'configmap.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  greeting: {{ .Values.greeting | quote }}\n',
    );
    const dist = path.join(ctx.clients.home, 'dist');
    await ctx.clients.run('helm', ['package', chart, '-d', dist]);
    const tgz = path.join(dist, 'berth-demo-0.1.0.tgz');
    const packaged = fs.readFileSync(tgz);

    // helm reports `Pushed: ...` and `Digest: ...` on stderr.
    const pushOut = await ctx.clients.run(
      'helm',
      ['push', tgz, `oci://${ctx.ref('library/charts')}`, '--plain-http'],
      { combined: true },
    );
    const reported = /Digest: (sha256:[0-9a-f]{64})/.exec(pushOut)?.[1];
    expect(reported, pushOut).toBeDefined();
    const ref = ctx.ref('library/charts/berth-demo:0.1.0');
    expect((await ctx.clients.run('crane', ['digest', '--insecure', ref])).trim()).toBe(reported);

    const rawManifest = await ctx.clients.run('crane', ['manifest', '--insecure', ref]);
    expect(sha256(rawManifest)).toBe(reported);
    const manifest = JSON.parse(rawManifest) as {
      config: { mediaType: string };
      layers: { mediaType: string; digest: string; size: number }[];
    };
    expect(manifest.config.mediaType).toBe('application/vnd.cncf.helm.config.v1+json');
    const chartLayer = manifest.layers.find(
      (l) => l.mediaType === 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
    );
    expect(chartLayer).toMatchObject({ digest: sha256(packaged), size: packaged.length });

    const pulled = path.join(ctx.clients.home, 'pulled');
    fs.mkdirSync(pulled);
    await ctx.clients.run('helm', [
      'pull',
      `oci://${ctx.ref('library/charts/berth-demo')}`,
      '--version',
      '0.1.0',
      '--plain-http',
      '-d',
      pulled,
    ]);
    expect(fs.readFileSync(path.join(pulled, 'berth-demo-0.1.0.tgz')).equals(packaged)).toBe(true);

    const shown = await ctx.clients.run('helm', [
      'show',
      'chart',
      `oci://${ctx.ref('library/charts/berth-demo')}`,
      '--version',
      '0.1.0',
      '--plain-http',
    ]);
    expect(shown).toContain('name: berth-demo');
  });
});
