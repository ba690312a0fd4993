import type { InstalledPackage } from '../analyzers/installed-package';
import type { OsRelease } from '../analyzers/os-release.analyzer';

/** A regular file of a layer as its tar header describes it, before its bytes are read. */
export interface LayerFile {
  /** Normalized, relative to the image root, no leading `/` or `./`: `var/lib/dpkg/status`. */
  path: string;
  size: number;
  /** Unix permission bits from the tar header (`0o755`). */
  mode: number;
}

/** What an extractor took from one file; it stands for that path until a later layer replaces or deletes it. */
export interface FileFindings {
  packages?: InstalledPackage[];
  osRelease?: OsRelease;
  /** What the extractor skipped or could not read inside the file, for the scan log. */
  notes?: string[];
}

/**
 * Takes what it needs from a file while its layer is read, so no layer is ever held in memory.
 * `buffer` extractors get the whole file (only files of at most `maxBytes`; larger ones are
 * skipped with a note); `stream` extractors get its chunks in order and must consume them all.
 * An extractor that throws marks that file unreadable (noted), not the scan failed.
 */
export type FileExtractor =
  | {
      name: string;
      kind: 'buffer';
      maxBytes: number;
      matches(file: LayerFile): boolean;
      extract(content: Buffer, file: LayerFile): FileFindings | Promise<FileFindings>;
    }
  | {
      name: string;
      kind: 'stream';
      matches(file: LayerFile): boolean;
      extract(chunks: AsyncIterable<Buffer>, file: LayerFile): Promise<FileFindings>;
    };
