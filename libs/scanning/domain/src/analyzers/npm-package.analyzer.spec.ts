import { describe, expect, it } from 'vitest';
import type { LayerFile } from '../layers/file-extractor';
import {
  isPackageJsonPath,
  npmExtractor,
  parsePackageJson,
  UNKNOWN_VERSION,
} from './npm-package.analyzer';

const file = (path: string, size = 200): LayerFile => ({ path, size, mode: 0o644 });

describe('npm package.json analyzer', () => {
  it('reads name and version of an installed package', () => {
    const text = JSON.stringify({
      name: 'express',
      version: '4.21.2',
      description: 'Fast, unopinionated, minimalist web framework',
      author: 'TJ Holowaychuk <tj@vision-media.ca>',
      license: 'MIT',
      dependencies: { 'body-parser': '1.20.3' },
    });
    expect(parsePackageJson(text, 'app/node_modules/express/package.json')).toEqual([
      {
        ecosystem: 'npm',
        name: 'express',
        version: '4.21.2',
        location: 'app/node_modules/express/package.json',
      },
    ]);
  });

  it('keeps the scope of a scoped package in its name', () => {
    const text = '{\n  "name": "@babel/core",\n  "version": "7.26.0"\n}\n';
    expect(parsePackageJson(text, 'node_modules/@babel/core/package.json')).toMatchObject([
      { name: '@babel/core', version: '7.26.0' },
    ]);
  });

  it('reports nothing for a nested manifest that names no package', () => {
    const location = 'node_modules/@babel/runtime/helpers/esm/package.json';
    expect(parsePackageJson('{ "type": "module" }', location)).toEqual([]);
    expect(parsePackageJson('{ "name": "  ", "version": "1.0.0" }', location)).toEqual([]);
    expect(parsePackageJson('', location)).toEqual([]);
  });

  it('reports a named manifest without version as UNKNOWN, as syft does', () => {
    const text =
      '{ "name": "rxjs/ajax", "types": "../dist/types/ajax/index.d.ts", "main": "../dist/cjs/ajax/index.js" }';
    expect(parsePackageJson(text, 'node_modules/rxjs/ajax/package.json')).toMatchObject([
      { name: 'rxjs/ajax', version: UNKNOWN_VERSION },
    ]);
    expect(UNKNOWN_VERSION).toBe('UNKNOWN');
  });

  it('matches field names case-insensitively and ignores a byte order mark', () => {
    expect(
      parsePackageJson('\uFEFF{"Name":"left-pad","Version":"1.3.0"}', 'p/package.json'),
    ).toMatchObject([{ name: 'left-pad', version: '1.3.0' }]);
  });

  it('treats a non-string version as missing and a non-object manifest as no package', () => {
    expect(parsePackageJson('{"name":"odd","version":2}', 'p/package.json')).toMatchObject([
      { name: 'odd', version: UNKNOWN_VERSION },
    ]);
    expect(parsePackageJson('["a"]', 'p/package.json')).toEqual([]);
  });

  it('throws with the location when the file is not JSON', () => {
    expect(() => parsePackageJson('{ "name": "{{name}}", }', 'templates/package.json')).toThrow(
      /templates\/package\.json is not valid JSON/,
    );
  });

  it('looks at every package.json, in node_modules or not', () => {
    expect(isPackageJsonPath('usr/local/lib/node_modules/npm/package.json')).toBe(true);
    expect(isPackageJsonPath('usr/share/nodejs/semver/package.json')).toBe(true);
    expect(isPackageJsonPath('package.json')).toBe(true);
    expect(isPackageJsonPath('app/package-lock.json')).toBe(false);
    expect(isPackageJsonPath('app/not-package.json')).toBe(false);
  });

  it('extracts from file contents through the extractor contract', async () => {
    expect(npmExtractor.kind).toBe('buffer');
    if (npmExtractor.kind !== 'buffer') return;
    expect(npmExtractor.maxBytes).toBe(1024 * 1024);
    const target = file('srv/node_modules/@nestjs/core/package.json');
    expect(npmExtractor.matches(target)).toBe(true);
    expect(npmExtractor.matches(file('srv/node_modules/@nestjs/core/index.js'))).toBe(false);
    const findings = await npmExtractor.extract(
      Buffer.from('{"name":"@nestjs/core","version":"11.0.1"}'),
      target,
    );
    expect(findings.packages).toEqual([
      { ecosystem: 'npm', name: '@nestjs/core', version: '11.0.1', location: target.path },
    ]);
  });
});
