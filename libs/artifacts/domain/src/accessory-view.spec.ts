import { describe, expect, it } from 'vitest';
import type { FilterCondition } from '@berth/api/domain';
import { harborAccessoryType, selectAccessories, type AccessoryView } from './accessory-view';
import type { ArtifactView } from './artifact-view';

const IMAGE_CONFIG = 'application/vnd.oci.image.config.v1+json';
const manifest = (layers: unknown[] = []): string => JSON.stringify({ schemaVersion: 2, layers });

describe('Harbor accessory types', () => {
  it.each([
    ['application/vnd.dev.cosign.artifact.sig.v1+json', 'signature.cosign'],
    ['application/vnd.dev.sigstore.bundle.v0.3+json', 'signature.cosign'],
    ['application/vnd.cncf.notary.signature', 'signature.notation'],
    ['application/vnd.goharbor.harbor.sbom.v1', 'sbom.harbor'],
    ['application/vnd.cyclonedx+json', 'subject.accessory'],
    ['application/vnd.example.readme', 'subject.accessory'],
    [IMAGE_CONFIG, 'subject.accessory'],
    [null, 'subject.accessory'],
  ] as const)('types artifact type %s as %s', (artifactType, type) => {
    expect(harborAccessoryType({ artifactType, content: manifest() })).toBe(type);
  });

  it('types an image whose last layer is the nydus bootstrap as a nydus accelerator', () => {
    const bootstrap = { annotations: { 'containerd.io/snapshot/nydus-bootstrap': 'true' } };
    expect(
      harborAccessoryType({ artifactType: IMAGE_CONFIG, content: manifest([{}, bootstrap]) }),
    ).toBe('accelerator.nydus');
    expect(
      harborAccessoryType({ artifactType: IMAGE_CONFIG, content: manifest([bootstrap, {}]) }),
    ).toBe('subject.accessory');
    expect(harborAccessoryType({ artifactType: IMAGE_CONFIG, content: 'not json' })).toBe(
      'subject.accessory',
    );
  });
});

describe('selecting accessories', () => {
  const accessory = (
    id: number,
    type: AccessoryView['type'],
    createdAt: string,
    size: number,
  ): AccessoryView => ({
    artifact: {
      id,
      digest: `sha256:${String(id).repeat(64).slice(0, 64)}`,
      createdAt,
      size,
    } as ArtifactView,
    type,
    subjectDigest: 'sha256:' + 'f'.repeat(64),
    subjectId: 1,
  });
  const all = [
    accessory(1, 'sbom.harbor', '2026-01-01T00:00:00.000Z', 30),
    accessory(2, 'signature.cosign', '2026-01-03T00:00:00.000Z', 10),
    accessory(3, 'subject.accessory', '2026-01-02T00:00:00.000Z', 20),
    accessory(4, 'signature.cosign', '2026-01-03T00:00:00.000Z', 40),
  ];
  const ids = (list: AccessoryView[]): number[] => list.map((a) => a.artifact.id);

  it('lists newest first, the later id first among equals', () => {
    expect(ids(selectAccessories([...all], { filters: [], sorts: [] }))).toEqual([4, 2, 3, 1]);
  });

  it('sorts by size or creation time as asked', () => {
    const bySize = { filters: [], sorts: [{ field: 'size', direction: 'ASC' as const }] };
    expect(ids(selectAccessories([...all], bySize))).toEqual([2, 3, 1, 4]);
    const oldest = { filters: [], sorts: [{ field: 'creation_time', direction: 'ASC' as const }] };
    expect(ids(selectAccessories([...all], oldest))).toEqual([1, 3, 4, 2]);
  });

  it('filters by type and digest, exactly or by a set', () => {
    const cosign = { field: 'type', kind: 'exact', value: 'signature.cosign' } as const;
    expect(ids(selectAccessories([...all], { filters: [cosign], sorts: [] }))).toEqual([4, 2]);
    const either: FilterCondition = {
      field: 'type',
      kind: 'or',
      values: ['sbom.harbor', 'subject.accessory'],
    };
    expect(ids(selectAccessories([...all], { filters: [either], sorts: [] }))).toEqual([3, 1]);
    const digest = { field: 'digest', kind: 'exact', value: all[2].artifact.digest } as const;
    expect(ids(selectAccessories([...all], { filters: [digest], sorts: [] }))).toEqual([3]);
  });

  it('refuses a filter it does not offer', () => {
    const fuzzy = { field: 'type', kind: 'fuzzy', value: 'sig' } as const;
    expect(() => selectAccessories([...all], { filters: [fuzzy], sorts: [] })).toThrow(
      /kind fuzzy/,
    );
  });
});
