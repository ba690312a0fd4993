import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyzeJavaArchive } from './java-archive.analyzer';

const workspaceRoot = path.resolve(__dirname, '../../../../..');
// The pinned syft, built by the workspace's tool script when missing.
const syft = execFileSync('bash', [path.join(workspaceRoot, 'tools/deps/go-tool.sh'), 'syft'], {
  encoding: 'utf8',
}).trim();
const systemJars = '/usr/share/java';

interface SyftArtifact {
  name: string;
  version: string;
  purl: string;
  metadata: { virtualPath: string; pomProperties?: { artifactId: string } };
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-java-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('java archive analyzer against syft', () => {
  it('finds the Maven packages syft finds in the system jars and a war of them', async () => {
    const root = path.join(scratch, 'root');
    fs.mkdirSync(path.join(root, 'usr/share/java'), { recursive: true });
    // Versioned names are often links to unversioned files or the other way round: copy both.
    const jars = fs
      .readdirSync(systemJars)
      .filter((f) => f.endsWith('.jar') && fs.existsSync(path.join(systemJars, f)));
    expect(jars.length).toBeGreaterThan(20);
    for (const jar of jars) {
      fs.copyFileSync(path.join(systemJars, jar), path.join(root, 'usr/share/java', jar));
    }
    // A web application packed by the JDK's jar tool, its libraries in WEB-INF/lib.
    const staging = path.join(scratch, 'war');
    fs.mkdirSync(path.join(staging, 'WEB-INF/lib'), { recursive: true });
    fs.mkdirSync(path.join(staging, 'META-INF/maven/com.example/shop'), { recursive: true });
    fs.writeFileSync(
      path.join(staging, 'META-INF/maven/com.example/shop/pom.properties'),
      'groupId=com.example\nartifactId=shop\nversion=2.0\n',
    );
    for (const jar of jars.filter((j) => /^(commons-io|guava|guice)-\d/.test(j))) {
      fs.copyFileSync(path.join(systemJars, jar), path.join(staging, 'WEB-INF/lib', jar));
    }
    fs.mkdirSync(path.join(root, 'opt'));
    execFileSync('jar', ['cf', path.join(root, 'opt/shop.war'), '-C', staging, '.']);

    const berth = new Map<string, string>();
    for (const file of [...jars.map((j) => `usr/share/java/${j}`), 'opt/shop.war']) {
      const report = await analyzeJavaArchive(fs.readFileSync(path.join(root, file)), file);
      expect(report.notes).toEqual([]);
      for (const p of report.packages) {
        const [group, artifact] = p.name.includes(':') ? p.name.split(':') : [undefined, p.name];
        berth.set(`${artifact}@${p.version} /${p.location}`, group ?? '');
      }
    }
    expect([...berth.keys()]).toContain(
      'commons-io@2.11.0 /opt/shop.war:WEB-INF/lib/commons-io-2.11.0.jar',
    );

    const out = execFileSync(
      syft,
      [
        'scan',
        `dir:${root}`,
        '-o',
        'json',
        '-q',
        '--override-default-catalogers',
        'java-archive-cataloger',
      ],
      { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, cwd: root },
    );
    const found = new Map<string, { group: string; fromPom: boolean }>();
    for (const a of (JSON.parse(out) as { artifacts: SyftArtifact[] }).artifacts) {
      const purl = /^pkg:maven\/([^/]+)\/([^@?]+)@([^?]+)/.exec(decodeURIComponent(a.purl));
      if (!purl) continue; // no version: Berth gives no package
      // syft marks a bundled package's path with its coordinates: `x.jar:group:artifact`.
      const location = a.metadata.virtualPath.replace(/(\.[a-z]+):[^/:]+:[^/:]+$/, '$1');
      found.set(`${purl[2]}@${purl[3]} ${location}`, {
        group: purl[1],
        fromPom: a.metadata.pomProperties !== undefined,
      });
    }

    // Every package syft takes from a pom.properties, Berth finds, with the same group.
    const fromPoms = [...found].filter(([, v]) => v.fromPom);
    expect(fromPoms.length).toBeGreaterThan(50);
    for (const [key, { group }] of fromPoms) expect(berth.get(key), key).toBe(group);
    // Every package Berth finds, syft finds; a group Berth guessed from a manifest is syft's.
    for (const [key, group] of berth) {
      expect(found.has(key), key).toBe(true);
      if (group) expect(found.get(key)?.group, key).toBe(group);
    }
  });
});
