import { describe, expect, it } from 'vitest';
import { EVENT_VERSION, eventEnvelopeSchema } from '@berth/contracts';
import { createEvent, toValidEnvelope } from './outbox';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const pushed = {
  project: 'library',
  repository: 'library/alpine',
  digest: 'sha256:9f1b0a5c3e',
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1234,
};

describe('createEvent', () => {
  it('builds a valid envelope with a fresh uuid v4 id, the contract version and the current time', () => {
    const before = Date.now();
    const e = createEvent('artifact.pushed', pushed, 'registry', 'req-1');
    expect(e.id).toMatch(UUID_V4);
    expect(e).toMatchObject({
      type: 'artifact.pushed',
      version: EVENT_VERSION,
      source: 'registry',
      correlationId: 'req-1',
      data: pushed,
    });
    expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(before - 1);
    expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(Date.now());
    expect(eventEnvelopeSchema.safeParse(e).success).toBe(true);
  });

  it('gives every event its own id and leaves correlationId out when none is given', () => {
    const a = createEvent('artifact.pushed', pushed, 'registry');
    const b = createEvent('artifact.pushed', pushed, 'registry');
    expect(a.id).not.toBe(b.id);
    expect('correlationId' in a).toBe(false);
  });
});

describe('toValidEnvelope', () => {
  it('fills in id, version and time for an event given by its parts', () => {
    const e = toValidEnvelope({
      type: 'signature.verified',
      source: 'api',
      data: { anything: true },
    });
    expect(e.id).toMatch(UUID_V4);
    expect(e.version).toBe(EVENT_VERSION);
    expect(Number.isNaN(Date.parse(e.occurredAt))).toBe(false);
  });

  it('keeps a complete envelope as it is', () => {
    const original = createEvent('artifact.pushed', pushed, 'registry', 'c-9');
    expect(toValidEnvelope(original)).toEqual(original);
  });

  it('rejects data that does not match the schema of a known event type', () => {
    expect(() =>
      toValidEnvelope({
        type: 'artifact.pushed',
        source: 'registry',
        data: { ...pushed, size: -1 },
      }),
    ).toThrow();
    expect(() =>
      toValidEnvelope({
        type: 'system.initialized',
        source: 'berth',
        data: { instanceId: 'nope' },
      }),
    ).toThrow();
  });

  it('rejects a malformed envelope: bad type name, non-uuid id, empty source', () => {
    expect(() =>
      toValidEnvelope({ type: 'Artifact Pushed', source: 'registry', data: {} }),
    ).toThrow();
    expect(() =>
      toValidEnvelope({ id: '42', type: 'scan.requested', source: 'api', data: {} }),
    ).toThrow();
    expect(() => toValidEnvelope({ type: 'scan.requested', source: '', data: {} })).toThrow();
  });
});
