import { Body, Delete, Get, HttpCode, Param, Post, Put, Req, UseFilters } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { actorOf, IdentityErrorFilter, RequestAuthenticator } from '@berth/identity/domain';
import {
  AddProjectMetadataUseCase,
  DeleteProjectMetadataUseCase,
  GetProjectMetadataUseCase,
  ListProjectMetadataUseCase,
  UpdateProjectMetadataUseCase,
} from '@berth/projects/domain';
import { HarborApiController } from '../harbor-api.decorator';
import { callerOf, projectRef } from './project-request';

/** Harbor's `/projects/{p}/metadatas`: the project's settings as a string map. */
@UseFilters(IdentityErrorFilter)
@HarborApiController('projects/:project_name_or_id/metadatas')
export class ProjectMetadatasController {
  constructor(
    private readonly authenticator: RequestAuthenticator,
    private readonly listMetadata: ListProjectMetadataUseCase,
    private readonly getMetadata: GetProjectMetadataUseCase,
    private readonly addMetadata: AddProjectMetadataUseCase,
    private readonly updateMetadata: UpdateProjectMetadataUseCase,
    private readonly deleteMetadata: DeleteProjectMetadataUseCase,
  ) {}

  @Get()
  async list(
    @Param('project_name_or_id') p: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, string>> {
    return this.listMetadata.execute(await callerOf(this.authenticator, req), projectRef(p, req));
  }

  @Post()
  @HttpCode(200) // Harbor answers 200 here, not 201
  async add(
    @Param('project_name_or_id') p: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.addMetadata.execute(caller, projectRef(p, req), body, actorOf(caller, req));
  }

  @Get(':meta_name')
  async get(
    @Param('project_name_or_id') p: string,
    @Param('meta_name') name: string,
    @Req() req: FastifyRequest,
  ): Promise<Record<string, string>> {
    return this.getMetadata.execute(
      await callerOf(this.authenticator, req),
      projectRef(p, req),
      name,
    );
  }

  @Put(':meta_name')
  async update(
    @Param('project_name_or_id') p: string,
    @Param('meta_name') name: string,
    @Body() body: unknown,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.updateMetadata.execute(caller, projectRef(p, req), name, body, actorOf(caller, req));
  }

  @Delete(':meta_name')
  async delete(
    @Param('project_name_or_id') p: string,
    @Param('meta_name') name: string,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    const caller = await callerOf(this.authenticator, req);
    await this.deleteMetadata.execute(caller, projectRef(p, req), name, actorOf(caller, req));
  }
}
