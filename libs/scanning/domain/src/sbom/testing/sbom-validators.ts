import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { fullFormats } from 'ajv-formats/dist/formats';

/** The official SPDX 2.3 JSON schema, kept beside this file. */
export const SPDX_23_SCHEMA_FILE = path.join(__dirname, 'spdx-2.3.schema.json');
const CYCLONEDX_SCHEMAS = path.join(
  path.dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json')),
  'res',
  'schema',
);

/** A JSON file's object. */
export const readJsonFile = (file: string): Record<string, unknown> =>
  JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;

/** Checks a document against the official SPDX 2.3 JSON schema. */
export function spdxValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  return ajv.compile(readJsonFile(SPDX_23_SCHEMA_FILE));
}

/** Checks a document against the CycloneDX 1.6 JSON schema of @cyclonedx/cyclonedx-library. */
export function cycloneDxValidator(): ValidateFunction {
  const ajv = new Ajv({ allErrors: true });
  addFormats(ajv);
  // An annotation of enum values in the CycloneDX schema, not a constraint.
  ajv.addKeyword('meta:enum');
  // ajv-formats has no IRI/IDN formats: check them as the URI/email their non-ASCII characters encode to.
  const asAscii = (s: string) => s.replace(/[^\p{ASCII}]/gu, (c) => encodeURIComponent(c));
  const uriReference = fullFormats['uri-reference'] as RegExp;
  const email = fullFormats.email as RegExp;
  ajv.addFormat('iri-reference', (s: string) => uriReference.test(asAscii(s)));
  ajv.addFormat('idn-email', (s: string) => email.test(asAscii(s)));
  // The bom schema refers to its neighbours by their SNAPSHOT file names.
  for (const neighbour of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema({
      ...readJsonFile(path.join(CYCLONEDX_SCHEMAS, neighbour)),
      $id: `http://cyclonedx.org/schema/${neighbour}`,
    });
  }
  return ajv.compile(readJsonFile(path.join(CYCLONEDX_SCHEMAS, 'bom-1.6.SNAPSHOT.schema.json')));
}
