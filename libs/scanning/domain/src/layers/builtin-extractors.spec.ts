import { describe, expect, it } from 'vitest';
import {
  apkInstalledExtractor,
  BUILTIN_EXTRACTORS,
  dpkgStatusExtractor,
  osReleaseExtractor,
} from './builtin-extractors';
import type { FileExtractor, LayerFile } from './file-extractor';

const at = (path: string, size = 100): LayerFile => ({ path, size, mode: 0o644 });

async function extract(extractor: FileExtractor, path: string, text: string) {
  if (extractor.kind !== 'buffer') throw new Error('expected a buffer extractor');
  return extractor.extract(Buffer.from(text), at(path));
}

describe('built-in extractors', () => {
  it('pick out the dpkg status file, each distroless status.d entry, the apk database and os-release', () => {
    const claims = (path: string) =>
      BUILTIN_EXTRACTORS.filter((e) => e.matches(at(path))).map((e) => e.name);
    expect(claims('var/lib/dpkg/status')).toEqual(['dpkg-status']);
    expect(claims('var/lib/dpkg/status.d/base-files')).toEqual(['dpkg-status']);
    expect(claims('var/lib/dpkg/status.d/base-files.md5sums')).toEqual([]);
    expect(claims('var/lib/dpkg/status.d/nested/x')).toEqual([]);
    expect(claims('var/lib/dpkg/status-old')).toEqual([]);
    expect(claims('lib/apk/db/installed')).toEqual(['apk-installed']);
    expect(claims('etc/os-release')).toEqual(['os-release']);
    expect(claims('usr/lib/os-release')).toEqual(['os-release']);
    expect(claims('usr/etc/os-release')).toEqual([]);
  });

  it('read packages with the file they came from as location', async () => {
    expect(
      await extract(
        dpkgStatusExtractor,
        'var/lib/dpkg/status.d/tzdata',
        'Package: tzdata\nVersion: 2024a-0+deb12u1\n',
      ),
    ).toEqual({
      packages: [
        {
          ecosystem: 'Debian',
          name: 'tzdata',
          version: '2024a-0+deb12u1',
          sourceName: 'tzdata',
          sourceVersion: '2024a-0+deb12u1',
          location: 'var/lib/dpkg/status.d/tzdata',
        },
      ],
    });
    const apk = await extract(
      apkInstalledExtractor,
      'lib/apk/db/installed',
      'P:musl\nV:1.2.5-r0\n\n',
    );
    expect(apk.packages?.map((p) => [p.ecosystem, p.name, p.version, p.location])).toEqual([
      ['Alpine', 'musl', '1.2.5-r0', 'lib/apk/db/installed'],
    ]);
  });

  it('read os-release, and find nothing in one without an ID', async () => {
    expect(
      await extract(osReleaseExtractor, 'etc/os-release', 'ID=ubuntu\nVERSION_ID="22.04"\n'),
    ).toEqual({
      osRelease: { id: 'ubuntu', versionId: '22.04' },
    });
    expect(await extract(osReleaseExtractor, 'etc/os-release', 'NAME=x\n')).toEqual({});
  });
});
