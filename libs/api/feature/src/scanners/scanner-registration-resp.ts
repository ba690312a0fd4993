import {
  CREDENTIAL_MASK,
  type AdapterMetadata,
  type ScannerRegistrationEntity,
} from '@berth/scanning/domain';

/** Harbor's ScannerRegistration as `/scanners` answers it. */
export interface ScannerRegistrationResp {
  uuid: string;
  name: string;
  description: string;
  url: string;
  disabled: boolean;
  is_default: boolean;
  auth: string;
  /** Never the stored credential: the mask when one is set, else ''. */
  access_credential: string;
  skip_cert_verify: boolean;
  use_internal_addr: boolean;
  create_time: string;
  update_time: string;
  adapter?: string;
  vendor?: string;
  version?: string;
  health?: string;
}

/** The registration as the API shows it, the credential masked; `metadata` adds adapter, vendor and version. */
export function toScannerRegistrationResp(
  r: ScannerRegistrationEntity,
  metadata?: AdapterMetadata,
): ScannerRegistrationResp {
  return {
    uuid: r.uuid,
    name: r.name,
    description: r.description,
    url: r.url,
    disabled: r.disabled,
    is_default: r.isDefault,
    auth: r.auth,
    access_credential: r.accessCredential === '' ? '' : CREDENTIAL_MASK,
    skip_cert_verify: r.skipCertVerify,
    use_internal_addr: r.useInternalAddr,
    create_time: r.createTime,
    update_time: r.updateTime,
    ...(metadata && {
      adapter: metadata.scanner.name,
      vendor: metadata.scanner.vendor,
      version: metadata.scanner.version,
    }),
  };
}
