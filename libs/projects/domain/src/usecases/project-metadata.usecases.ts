import { Injectable } from '@nestjs/common';
import { badRequest, conflict, notFound } from '@berth/api/domain';
import type { Principal } from '@berth/identity/domain';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { parseProjectMetadata } from '../project-metadata';
import { ProjectRepository } from '../project.repository';

// `/projects/{p}/metadatas`: five small actions on one key/value map, kept together.

@Injectable()
export class ListProjectMetadataUseCase {
  constructor(private readonly authorizer: ProjectAuthorizer) {}

  async execute(actor: Principal, ref: ProjectRef): Promise<Record<string, string>> {
    return (await this.authorizer.require(actor, ref, 'metadata:read')).metadata;
  }
}

@Injectable()
export class GetProjectMetadataUseCase {
  constructor(private readonly authorizer: ProjectAuthorizer) {}

  async execute(actor: Principal, ref: ProjectRef, name: string): Promise<Record<string, string>> {
    const project = await this.authorizer.require(actor, ref, 'metadata:read');
    if (!Object.hasOwn(project.metadata, name))
      throw notFound(`metadata ${name.slice(0, 64)} not found`);
    return { [name]: project.metadata[name] };
  }
}

/** POST adds keys that are not set yet (409 for one that is). */
@Injectable()
export class AddProjectMetadataUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, body: unknown): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:create');
    const entries = parseProjectMetadata(body);
    if (Object.keys(entries).length === 0) throw badRequest('no metadata given');
    const taken = Object.keys(entries).find((k) => Object.hasOwn(project.metadata, k));
    if (taken) throw conflict(`metadata ${taken} already exists`);
    await this.projects.setMetadata(project.id, entries);
  }
}

/** PUT `{meta_name}` with a body holding exactly that key. */
@Injectable()
export class UpdateProjectMetadataUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, name: string, body: unknown): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:update');
    const entries = parseProjectMetadata(body);
    if (Object.keys(entries).length !== 1 || !Object.hasOwn(entries, name))
      throw badRequest(`the body must hold exactly the metadata ${name.slice(0, 64)}`);
    if (!Object.hasOwn(project.metadata, name))
      throw notFound(`metadata ${name.slice(0, 64)} not found`);
    await this.projects.setMetadata(project.id, entries);
  }
}

@Injectable()
export class DeleteProjectMetadataUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
  ) {}

  async execute(actor: Principal, ref: ProjectRef, name: string): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:delete');
    if (!Object.hasOwn(project.metadata, name))
      throw notFound(`metadata ${name.slice(0, 64)} not found`);
    // `public` decides who may pull; it is changed, never removed.
    if (name === 'public') throw badRequest('the metadata public cannot be deleted');
    await this.projects.deleteMetadata(project.id, name);
  }
}
