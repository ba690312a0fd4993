/** A package an analyzer found installed in an image. */
export interface InstalledPackage {
  /** OSV ecosystem name: `Debian`, `Alpine`, `npm`, `PyPI`, `Go`, `Maven`, ... */
  ecosystem: string;
  name: string;
  version: string;
  /** The source package it was built from (dpkg `Source`, apk `o:`), when it differs. */
  sourceName?: string;
  sourceVersion?: string;
  arch?: string;
  /** The file it was found in, inside the image. */
  location: string;
}
