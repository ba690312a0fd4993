import type { InstalledPackage } from '../analyzers/installed-package';
import { SCAN_EXTRACTORS } from '../layers/scan-extractors';
import {
  inventoryOfImage,
  platformManifestsOf,
  type BlobSource,
  type ImageInventory,
  type PlatformManifest,
} from '../layers/image-inventory';
import { loadOsvDatabase } from '../osv/osv-loader';
import type { OsvDatabase } from '../osv/osv-database';
import { matchInventory, type MatchOutcome } from '../osv/vulnerability-matcher';

/**
 * The pure parts a scan is made of, behind one seam so the executor can be exercised with a
 * fake: an image's inventory from its layers, an index's platform manifests, loading an OSV
 * database and matching packages against it.
 */
export interface ScanEngine {
  /** @throws ScanInputError (or the blob source's error) when the image cannot be read */
  inventory(manifest: unknown, blobs: BlobSource): Promise<ImageInventory>;
  /** @throws ScanInputError when the index is not one */
  platformManifests(index: unknown): PlatformManifest[];
  /** @throws OsvLoadError when the source cannot be read */
  loadDatabase(source: string): Promise<OsvDatabase>;
  match(database: OsvDatabase, packages: readonly InstalledPackage[]): MatchOutcome;
}

export const SCAN_ENGINE = Symbol('SCAN_ENGINE');

/** The built-in scanner: OS and language packages from the layers, matched against OSV advisories. */
export const osvScanEngine: ScanEngine = {
  inventory: (manifest, blobs) => inventoryOfImage(manifest, blobs, SCAN_EXTRACTORS),
  platformManifests: (index) => platformManifestsOf(index),
  loadDatabase: (source) => loadOsvDatabase(source),
  match: (database, packages) => matchInventory(database, packages),
};
