export * from './osv/osv-range';
export * from './severity/cvss3';
export * from './versions/apk-version';
export * from './versions/dpkg-version';
export * from './versions/maven-version';
export * from './versions/pep440-version';
export * from './versions/rpm-version';
export * from './versions/semver-version';
