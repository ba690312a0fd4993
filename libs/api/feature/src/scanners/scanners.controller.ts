import {
  Body,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { BERTH_VERSION, badRequest, parsePaging, type RawQuery } from '@berth/api/domain';
import { IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import { BERTH_CONFIG, type BerthConfig } from '@berth/platform/config';
import { SystemSettingRepository } from '@berth/platform/database';
import {
  AdapterCallError,
  BUILTIN_SCANNER,
  ScannerAdapterClient,
  ScannerRegistrations,
  builtinAdapterMetadata,
  isExternalRegistration,
  parseConnectionInput,
  parseRegistrationInput,
  readScannerDbInfo,
  type AdapterMetadata,
  type ScannerRegistrationEntity,
} from '@berth/scanning/domain';
import { API_PREFIX, HarborApiController } from '../harbor-api.decorator';
import { setPageHeaders } from '../pagination';
import { callerOf } from '../projects/project-request';
import { requireSysadmin } from '../system-admin';
import {
  toScannerRegistrationResp,
  type ScannerRegistrationResp,
} from './scanner-registration-resp';

/**
 * Harbor's `/scanners`: the scanner registrations Berth may scan with (the built-in scanner and
 * external Pluggable Scanner API adapters), a connection test and an adapter's metadata. System
 * admins only. Adapter URLs obey the webhook address policy (BERTH_WEBHOOK_ALLOW_PRIVATE).
 */
@UseFilters(IdentityErrorFilter)
@HarborApiController('scanners')
export class ScannersController {
  private readonly settings: SystemSettingRepository;

  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly registrations: ScannerRegistrations,
    @Inject(BERTH_CONFIG) private readonly config: BerthConfig,
    dataSource: DataSource,
  ) {
    this.settings = new SystemSettingRepository(dataSource);
  }

  @Get()
  async list(
    @Query() query: RawQuery,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScannerRegistrationResp[]> {
    await this.admin(req);
    const paging = parsePaging(query);
    const { rows, total } = await this.registrations.list(paging);
    setPageHeaders(req, reply, paging, total);
    return rows.map((r) => toScannerRegistrationResp(r));
  }

  @Post()
  @HttpCode(201)
  async create(
    @Body() body: unknown,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.admin(req);
    const created = await this.registrations.create(parseRegistrationInput(body), this.policy);
    reply.header('Location', `${API_PREFIX}/scanners/${created.uuid}`);
  }

  @Post('ping')
  @HttpCode(200)
  async ping(@Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    await this.admin(req);
    const settings = parseConnectionInput(body);
    await this.metadataOf({ ...settings, skipCertVerify: false });
  }

  @Get(':registration_id')
  async get(
    @Param('registration_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<ScannerRegistrationResp> {
    await this.admin(req);
    return toScannerRegistrationResp(await this.registrations.get(id));
  }

  @Put(':registration_id')
  async update(
    @Param('registration_id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.admin(req);
    await this.registrations.update(id, parseRegistrationInput(body), this.policy);
  }

  /** Harbor's PATCH sets the system default: `{"is_default": true}`. */
  @Patch(':registration_id')
  async setDefault(
    @Param('registration_id') id: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    await this.admin(req);
    const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    if (o.is_default !== true) throw badRequest('is_default must be true');
    await this.registrations.setDefault(id);
  }

  @Delete(':registration_id')
  async remove(
    @Param('registration_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<ScannerRegistrationResp> {
    await this.admin(req);
    return toScannerRegistrationResp(await this.registrations.remove(id));
  }

  @Get(':registration_id/metadata')
  async metadata(
    @Param('registration_id') id: string,
    @Req() req: FastifyRequest,
  ): Promise<AdapterMetadata> {
    await this.admin(req);
    return this.metadataOf(await this.registrations.get(id));
  }

  /** The adapter's metadata; the built-in scanner's own. @throws BAD_REQUEST when the adapter fails */
  private async metadataOf(
    r: Pick<ScannerRegistrationEntity, 'url' | 'auth' | 'accessCredential' | 'skipCertVerify'>,
  ): Promise<AdapterMetadata> {
    if (!isExternalRegistration(r)) {
      const db = await readScannerDbInfo(this.settings);
      return builtinAdapterMetadata(
        { ...BUILTIN_SCANNER, version: BERTH_VERSION },
        db ? (db.newest_advisory ?? db.loaded_at) : undefined,
      );
    }
    try {
      return await new ScannerAdapterClient(r, this.policy).metadata();
    } catch (e) {
      if (e instanceof AdapterCallError)
        throw badRequest(`the scanner adapter failed: ${e.message}`);
      throw e;
    }
  }

  private get policy() {
    return { allowPrivate: this.config.notifications.webhookAllowPrivate };
  }

  private async admin(req: FastifyRequest): Promise<void> {
    requireSysadmin(await callerOf(this.authenticator, req));
  }
}
