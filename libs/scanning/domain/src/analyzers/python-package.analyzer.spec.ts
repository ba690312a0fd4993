import { describe, expect, it } from 'vitest';
import { UNKNOWN_VERSION } from './npm-package.analyzer';
import {
  isPythonMetadataPath,
  parsePythonMetadata,
  parsePythonMetadataHeaders,
  pythonExtractor,
} from './python-package.analyzer';

const WHEEL_METADATA = [
  'Metadata-Version: 2.1',
  'Name: torch',
  'Version: 2.5.1+cpu',
  'Summary: Tensors and Dynamic neural networks in Python with strong GPU acceleration',
  'Home-page: https://pytorch.org/',
  'License: BSD-3-Clause',
  '        Copyright (c) 2016-     Facebook, Inc',
  '        All rights reserved.',
  'Requires-Dist: filelock',
  'Requires-Dist: typing-extensions>=4.8.0',
  'Requires-Python: >=3.8.0',
  'Description-Content-Type: text/markdown',
  '',
  '![PyTorch Logo](https://github.com/pytorch/pytorch/raw/main/docs/source/_static/img/pytorch-logo-dark.png)',
  'Name: not-a-header',
  'Version: 0.0.0',
  '',
].join('\r\n');

describe('Python package metadata analyzer', () => {
  it('reads name and version (with a local part) from a wheel METADATA with continuation lines', () => {
    expect(
      parsePythonMetadata(
        WHEEL_METADATA,
        'usr/lib/python3/site-packages/torch-2.5.1+cpu.dist-info/METADATA',
      ),
    ).toEqual([
      {
        ecosystem: 'PyPI',
        name: 'torch',
        version: '2.5.1+cpu',
        location: 'usr/lib/python3/site-packages/torch-2.5.1+cpu.dist-info/METADATA',
      },
    ]);
  });

  it('joins continuation lines to their field and stops at the description', () => {
    const headers = parsePythonMetadataHeaders(WHEEL_METADATA, 'METADATA');
    expect(headers.get('License')).toBe(
      'BSD-3-Clause\n Copyright (c) 2016-     Facebook, Inc\n All rights reserved.',
    );
    expect(headers.get('Homepage')).toBe('https://pytorch.org/');
    expect(headers.get('Name')).toBe('torch');
  });

  it('keeps the name as written; normalization is left to matching', () => {
    const text = 'Metadata-Version: 1.1\nName: Flask_SQLAlchemy\nVersion: 3.1.1\n';
    expect(parsePythonMetadata(text, 'x.egg-info/PKG-INFO')).toMatchObject([
      { name: 'Flask_SQLAlchemy', version: '3.1.1' },
    ]);
  });

  it('reads a distutils .egg-info file, and leaves out the Python runtime itself', () => {
    const pkg =
      'Metadata-Version: 1.0\nName: python-apt\nVersion: 2.6.0\nSummary: Python bindings for APT\n';
    expect(
      parsePythonMetadata(pkg, 'usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info'),
    ).toMatchObject([{ ecosystem: 'PyPI', name: 'python-apt', version: '2.6.0' }]);
    const runtime = 'Metadata-Version: 1.0\nName: Python\nVersion: 2.7.18\n';
    expect(
      parsePythonMetadata(runtime, 'usr/lib/python2.7/lib-dynload/Python-2.7.18.egg-info'),
    ).toEqual([]);
  });

  it('reports a missing version as UNKNOWN and a missing name as no package', () => {
    expect(
      parsePythonMetadata('Metadata-Version: 2.1\nName: partial\n', 'partial.dist-info/METADATA'),
    ).toMatchObject([{ name: 'partial', version: UNKNOWN_VERSION }]);
    expect(
      parsePythonMetadata('Metadata-Version: 2.1\nVersion: 1.0\n', 'x.dist-info/METADATA'),
    ).toEqual([]);
  });

  it('skips leading blank lines and matches field names in any case', () => {
    expect(
      parsePythonMetadata('\n\nname: requests\nversion: 2.32.3\n', 'r.dist-info/METADATA'),
    ).toMatchObject([{ name: 'requests', version: '2.32.3' }]);
  });

  it('refuses a continuation line before any field', () => {
    expect(() => parsePythonMetadata('  dangling\nName: x\n', 'bad.dist-info/METADATA')).toThrow(
      /bad\.dist-info\/METADATA: continuation line before any field/,
    );
  });

  it('looks where installers write core metadata, and only there', () => {
    const yes = [
      'usr/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA',
      'opt/venv/lib/python3.11/site-packages/six-1.16.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info',
      'opt/app/UPPER.DIST-INFO/METADATA',
      'opt/app/UPPER.EGG-INFO/PKG-INFO',
      'site-packages/nested/dist-info/METADATA',
    ];
    const no = [
      'usr/lib/python3.12/site-packages/requests-2.32.3.dist-info/RECORD',
      'usr/lib/python3.12/site-packages/requests-2.32.3.dist-info/PKG-INFO',
      'opt/app/Mixed.Dist-Info/METADATA',
      'METADATA',
      'usr/share/doc/METADATA',
      'src/pkg.egg-info.bak',
    ];
    expect(yes.filter(isPythonMetadataPath)).toEqual(yes);
    expect(no.filter(isPythonMetadataPath)).toEqual([]);
  });

  it('extracts from file contents through the extractor contract', async () => {
    if (pythonExtractor.kind !== 'buffer') throw new Error('expected a buffer extractor');
    const target = {
      path: 'usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA',
      size: 120,
      mode: 0o644,
    };
    expect(pythonExtractor.matches(target)).toBe(true);
    const findings = await pythonExtractor.extract(
      Buffer.from('Name: six\nVersion: 1.16.0\n'),
      target,
    );
    expect(findings.packages).toEqual([
      { ecosystem: 'PyPI', name: 'six', version: '1.16.0', location: target.path },
    ]);
  });
});
