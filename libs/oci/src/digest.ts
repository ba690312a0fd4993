const digestPattern = /^([a-z0-9]+(?:[+._-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/;
const encodedLength: Record<string, number> = { sha256: 64, sha512: 128 };

export interface ParsedDigest {
  algorithm: string;
  encoded: string;
}

/** Parses `algorithm:encoded`; only registered algorithms with lower-case hex of the right length pass. */
export function parseDigest(value: string): ParsedDigest | undefined {
  const m = digestPattern.exec(value);
  if (!m) return undefined;
  const [, algorithm, encoded] = m;
  const length = encodedLength[algorithm];
  if (length === undefined || encoded.length !== length || !/^[a-f0-9]+$/.test(encoded))
    return undefined;
  return { algorithm, encoded };
}
