import { Get, Inject, UseInterceptors } from '@nestjs/common';
import { SystemInfoScannerInterceptor } from './scans/scan-overview.interceptor';
import { BERTH_VERSION } from '@berth/api/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { HarborApiController } from './harbor-api.decorator';

/** The public part of Harbor's GeneralInfo: what a client may read before logging in. */
export interface GeneralInfo {
  banner_message: string;
  current_time: string;
  registry_url: string;
  external_url: string;
  auth_mode: 'db_auth';
  primary_auth_mode: boolean;
  self_registration: boolean;
  has_ca_root: boolean;
  harbor_version: string;
  read_only: boolean;
  with_chartmuseum: boolean;
  notification_enable: boolean;
}

@HarborApiController()
export class SystemInfoController {
  private readonly registryHost: string;

  constructor(@Inject(BERTH_CONFIG) private readonly config: BerthConfig) {
    // Harbor's registry_url is the host (and port) docker clients log in to, without a scheme.
    this.registryHost = new URL(config.http.externalUrl).host;
  }

  @Get('systeminfo')
  @UseInterceptors(SystemInfoScannerInterceptor)
  systemInfo(): GeneralInfo {
    return {
      banner_message: '',
      current_time: new Date().toISOString(),
      registry_url: this.registryHost,
      external_url: this.config.http.externalUrl,
      auth_mode: 'db_auth',
      primary_auth_mode: false,
      self_registration: false,
      has_ca_root: false,
      harbor_version: `v${BERTH_VERSION}`,
      read_only: false,
      with_chartmuseum: false,
      notification_enable: true,
    };
  }
}
