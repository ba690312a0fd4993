import { describe, expect, it } from 'vitest';
import { AdapterCallError, ScannerAdapterClient, adapterAuthHeaders } from './adapter-client';

describe('adapterAuthHeaders', () => {
  it('sends each auth kind as Harbor does', () => {
    expect(adapterAuthHeaders('Basic', 'user:pw')).toEqual({
      authorization: `Basic ${Buffer.from('user:pw').toString('base64')}`,
    });
    expect(adapterAuthHeaders('Bearer', 'tok')).toEqual({ authorization: 'Bearer tok' });
    expect(adapterAuthHeaders('X-ScannerAdapter-API-Key', 'key')).toEqual({
      'x-scanneradapter-api-key': 'key',
    });
    expect(adapterAuthHeaders('', 'ignored')).toEqual({});
  });
});

describe('ScannerAdapterClient address policy', () => {
  const endpoint = (url: string) => ({
    url,
    auth: '',
    accessCredential: '',
    skipCertVerify: false,
  });

  it('refuses loopback and private adapters unless allowed, before connecting', async () => {
    for (const url of ['http://127.0.0.1:1', 'http://10.1.2.3', 'http://169.254.169.254']) {
      const client = new ScannerAdapterClient(endpoint(url), { allowPrivate: false });
      await expect(client.metadata()).rejects.toThrow(AdapterCallError);
      await expect(client.metadata()).rejects.toThrow(/refused/);
    }
  });

  it('refuses a host that resolves to a private address', async () => {
    const client = new ScannerAdapterClient(endpoint('http://scanner.example'), {
      allowPrivate: false,
      resolve: async () => [{ address: '192.168.1.5', family: 4 }],
    });
    await expect(client.metadata()).rejects.toThrow(/192\.168\.1\.5/);
  });
});
