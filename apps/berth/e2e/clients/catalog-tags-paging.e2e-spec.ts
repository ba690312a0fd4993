import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextLink, writeOciLayout } from '@berth/platform/testing';
import { clientTargets, useTarget } from './targets';

const TAGS = Array.from({ length: 30 }, (_, i) => `t${String(i).padStart(2, '0')}`);
const REPOS = Array.from({ length: 12 }, (_, i) => `library/page-${String(i).padStart(2, '0')}`);

// (d) Catalog and tag lists page through crane and through raw `?n=` requests with Link headers.
describe.each(clientTargets())('$name: catalog and tags paging', (target) => {
  const ctx = useTarget(target);

  /** Follows Link rel="next" from the first page; returns every page's entries. */
  const pages = async (first: string, scope: string, key: 'tags' | 'repositories') => {
    const all: string[][] = [];
    let next: string | undefined = first;
    while (next && all.length < 50) {
      const res = await ctx.http.fetch(next, scope);
      expect(res.status, next).toBe(200);
      const body = (await res.json()) as Record<string, string[] | null>;
      all.push(body[key] ?? []);
      next = nextLink(res);
    }
    return all;
  };

  it('crane ls and raw ?n=10 paging list 30 tags in order', async () => {
    const layout = writeOciLayout(path.join(ctx.clients.home, 'img'), {
      platforms: [{ architecture: 'amd64', os: 'linux' }],
      layers: 1,
      layerBytes: 1024,
    });
    await ctx.clients.run('crane', [
      'push',
      '--insecure',
      layout.dir,
      ctx.ref(`library/paging:${TAGS[0]}`),
    ]);
    for (const tag of TAGS.slice(1))
      await ctx.clients.run('crane', [
        'tag',
        '--insecure',
        ctx.ref(`library/paging:${TAGS[0]}`),
        tag,
      ]);

    const listed = (await ctx.clients.run('crane', ['ls', '--insecure', ctx.ref('library/paging')]))
      .trim()
      .split('\n');
    expect(listed).toEqual(TAGS);

    const tagPages = await pages(
      '/v2/library/paging/tags/list?n=10',
      'repository:library/paging:pull',
      'tags',
    );
    // A registry may announce a next page after a full last page; that page is then empty.
    expect(tagPages.map((p) => p.length)).toEqual(
      tagPages.length === 4 ? [10, 10, 10, 0] : [10, 10, 10],
    );
    expect(tagPages.flat()).toEqual(TAGS);

    // A page after the last tag is empty and has no next link.
    const after = await ctx.http.fetch(
      `/v2/library/paging/tags/list?n=10&last=${TAGS[29]}`,
      'repository:library/paging:pull',
    );
    expect(after.status).toBe(200);
    expect(nextLink(after)).toBeUndefined();
    expect((await after.json()) as { tags: string[] | null }).toMatchObject({
      name: 'library/paging',
    });
  });

  it('crane catalog and raw _catalog?n=10 paging list every repository once, sorted', async () => {
    for (const repo of REPOS)
      await ctx.clients.run('crane', [
        'copy',
        '--insecure',
        ctx.ref(`library/paging:${TAGS[0]}`),
        ctx.ref(`${repo}:v1`),
      ]);
    const catalog = (
      await ctx.clients.run('crane', ['catalog', '--insecure', ctx.registry.registryHost])
    )
      .trim()
      .split('\n');
    expect(catalog).toEqual(expect.arrayContaining([...REPOS, 'library/paging']));

    const repoPages = await pages('/v2/_catalog?n=10', 'registry:catalog:*', 'repositories');
    expect(repoPages.length).toBeGreaterThanOrEqual(2);
    expect(repoPages.slice(0, -1).every((p) => p.length === 10)).toBe(true);
    const repos = repoPages.flat();
    expect(repos).toEqual(expect.arrayContaining([...REPOS, 'library/paging']));
    expect(new Set(repos).size).toBe(repos.length);
    expect([...repos].sort()).toEqual(repos);
  });
});
