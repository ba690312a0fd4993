import { describe, expect, it } from 'vitest';
import type { AuditRecord } from './audit-record';
import { escapeParamValue, formatSyslogMessage, frameOctetCounted, isValidSdName } from './rfc5424';

const BOM = '\uFEFF';

const record = (over: Partial<AuditRecord> = {}): AuditRecord => ({
  id: 7,
  eventId: '3f1c2a9e-5b7d-4c1e-9a8f-0d2b6e4c8a10',
  operator: 'alice',
  resource: 'library/nginx:1.27',
  resourceType: 'artifact',
  operation: 'create',
  result: true,
  sourceAddress: '10.0.0.5',
  projectId: 1,
  opTime: '2026-03-04T05:06:07.089Z',
  ...over,
});

describe('formatSyslogMessage', () => {
  it('writes the exact RFC 5424 line for a successful record', () => {
    expect(formatSyslogMessage(record(), { hostname: 'registry.example.com' })).toBe(
      '<110>1 2026-03-04T05:06:07.089Z registry.example.com berth - audit ' +
        '[audit@32473 eventId="3f1c2a9e-5b7d-4c1e-9a8f-0d2b6e4c8a10" operator="alice" ' +
        'resource="library/nginx:1.27" resourceType="artifact" operation="create" result="true" ' +
        'sourceAddress="10.0.0.5" projectId="1"] ' +
        `${BOM}alice create artifact library/nginx:1.27 ok`,
    );
  });

  it('omits absent optional params and appends the description to the summary', () => {
    const line = formatSyslogMessage(
      record({
        sourceAddress: undefined,
        projectId: undefined,
        operation: 'login',
        resourceType: 'user_login_logout',
        resource: 'alice',
        description: 'from the portal',
      }),
      { hostname: 'h', appName: 'berth-core', procId: '4242', facility: 10 },
    );
    expect(line).toBe(
      '<86>1 2026-03-04T05:06:07.089Z h berth-core 4242 audit ' +
        '[audit@32473 eventId="3f1c2a9e-5b7d-4c1e-9a8f-0d2b6e4c8a10" operator="alice" ' +
        'resource="alice" resourceType="user_login_logout" operation="login" result="true"] ' +
        `${BOM}alice login user_login_logout alice ok: from the portal`,
    );
  });

  it('uses severity 6 (info) for success and 4 (warning) for failure', () => {
    const ok = formatSyslogMessage(record({ result: true }), { hostname: 'h' });
    const failed = formatSyslogMessage(record({ result: false }), { hostname: 'h' });
    expect(ok.startsWith(`<${13 * 8 + 6}>1 `)).toBe(true);
    expect(failed.startsWith(`<${13 * 8 + 4}>1 `)).toBe(true);
    expect(failed).toContain(' result="false"');
    expect(failed.endsWith(' failed')).toBe(true);
  });

  it('refuses a facility outside 0..23', () => {
    expect(() => formatSyslogMessage(record(), { hostname: 'h', facility: 24 })).toThrow(
      RangeError,
    );
    expect(() => formatSyslogMessage(record(), { hostname: 'h', facility: 1.5 })).toThrow(
      RangeError,
    );
  });

  it('escapes ", \\ and ] in param values and nothing else', () => {
    const line = formatSyslogMessage(
      record({ operator: 'robot$ci]"x"\\y', resource: 'lib/a=b [c]' }),
      { hostname: 'h' },
    );
    expect(line).toContain(' operator="robot$ci\\]\\"x\\"\\\\y" ');
    expect(line).toContain(' resource="lib/a=b [c\\]" ');
    expect(escapeParamValue('plain ü 漢字 = [')).toBe('plain ü 漢字 = [');
  });

  it('keeps non-ASCII text as UTF-8 in values and the message', () => {
    const line = formatSyslogMessage(record({ resource: 'bibliothèque/nginx-漢字:1' }), {
      hostname: 'h',
    });
    expect(line).toContain('resource="bibliothèque/nginx-漢字:1"');
    expect(line.endsWith(`${BOM}alice create artifact bibliothèque/nginx-漢字:1 ok`)).toBe(true);
  });

  it('sanitises header fields to printable ASCII within their length limits', () => {
    const line = formatSyslogMessage(record(), {
      hostname: 'my host\tnämé',
      appName: 'a'.repeat(60),
      procId: ' ',
    });
    const [, , hostname, appName, procId] = line.split(' ');
    expect(hostname).toBe('my_host_n_m_');
    expect(appName).toBe('a'.repeat(48));
    expect(procId).toBe('_');
    expect(formatSyslogMessage(record(), { hostname: '' }).split(' ')[2]).toBe('-');
    expect(formatSyslogMessage(record(), { hostname: 'x'.repeat(300) }).split(' ')[2]).toBe(
      'x'.repeat(255),
    );
  });

  it('normalises the time to UTC with milliseconds and falls back to NILVALUE', () => {
    const line = formatSyslogMessage(record({ opTime: '2026-03-04T07:06:07+02:00' }), {
      hostname: 'h',
    });
    expect(line.split(' ')[1]).toBe('2026-03-04T05:06:07.000Z');
    expect(
      formatSyslogMessage(record({ opTime: 'yesterday' }), { hostname: 'h' }).split(' ')[1],
    ).toBe('-');
  });

  it('keeps a record on one line and replaces lone surrogates', () => {
    const line = formatSyslogMessage(
      record({ description: 'line one\nline two\r\u0000', resource: 'bad\uD800x' }),
      { hostname: 'h' },
    );
    expect(line).not.toMatch(/[\n\r]/);
    expect(line.includes('\u0000')).toBe(false);
    expect(line).toContain('resource="bad\uFFFDx"');
    expect(line.endsWith('bad\uFFFDx ok: line one line two  ')).toBe(true);
  });
});

describe('frameOctetCounted', () => {
  it('prefixes the length in UTF-8 octets, not characters', () => {
    const msg = `${BOM}ü漢`; // 3 + 2 + 3 octets
    const frame = frameOctetCounted(msg);
    expect(frame.toString('utf8')).toBe(`8 ${msg}`);
    expect(frame.length).toBe(10);
  });

  it('frames a formatted record so that the prefix matches the body exactly', () => {
    const msg = formatSyslogMessage(record({ resource: 'library/nginx-ü:1' }), { hostname: 'h' });
    const frame = frameOctetCounted(msg);
    const sp = frame.indexOf(0x20);
    const length = Number(frame.subarray(0, sp).toString('ascii'));
    expect(length).toBe(Buffer.byteLength(msg, 'utf8'));
    expect(length).toBeGreaterThan(msg.length);
    expect(frame.subarray(sp + 1).toString('utf8')).toBe(msg);
  });
});

describe('isValidSdName', () => {
  it('accepts printable ASCII up to 32 characters except = SP ] "', () => {
    expect(isValidSdName('audit@32473')).toBe(true);
    expect(isValidSdName('x'.repeat(32))).toBe(true);
    expect(isValidSdName('x'.repeat(33))).toBe(false);
    expect(isValidSdName('')).toBe(false);
    for (const bad of ['a=b', 'a b', 'a]b', 'a"b', 'ü', 'a\tb']) {
      expect(isValidSdName(bad)).toBe(false);
    }
  });
});
