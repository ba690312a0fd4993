import { badRequest } from '@berth/api/domain';

/**
 * The scan type of `POST …/scan`: no body, `{"scan_type": "vulnerability"}` or Harbor 2.11's
 * `{"scan_type": {"scan_type": "vulnerability"}}`; `sbom` is Harbor's other type.
 */
export function scanTypeOf(body: unknown): 'vulnerability' | 'sbom' {
  if (body === undefined || body === null || body === '') return 'vulnerability';
  if (typeof body !== 'object' || Array.isArray(body))
    throw badRequest('the request body must be a JSON object');
  const outer = (body as { scan_type?: unknown }).scan_type;
  const type =
    typeof outer === 'object' && outer !== null && !Array.isArray(outer)
      ? (outer as { scan_type?: unknown }).scan_type
      : outer;
  if (type === undefined) return 'vulnerability';
  if (type !== 'vulnerability' && type !== 'sbom')
    throw badRequest('scan_type must be vulnerability or sbom');
  return type;
}
