import { goBinaryExtractor } from '../analyzers/go-binary.analyzer';
import { javaArchiveExtractor } from '../analyzers/java-archive.analyzer';
import { npmExtractor } from '../analyzers/npm-package.analyzer';
import { pythonExtractor } from '../analyzers/python-package.analyzer';
import { rpmDatabaseExtractor } from '../analyzers/rpm-database.analyzer';
import { BUILTIN_EXTRACTORS } from './builtin-extractors';
import type { FileExtractor } from './file-extractor';

/** Everything a scan looks for: OS package databases and os-release, then language packages. */
export const SCAN_EXTRACTORS: readonly FileExtractor[] = [
  ...BUILTIN_EXTRACTORS,
  rpmDatabaseExtractor,
  npmExtractor,
  pythonExtractor,
  goBinaryExtractor,
  javaArchiveExtractor,
];
