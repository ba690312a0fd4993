import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Actor } from '@berth/contracts';
import { badRequest, conflict, notFound } from '@berth/api/domain';
import { actorOf, type Principal } from '@berth/identity/domain';
import { OutboxWriter } from '@berth/platform/messaging';
import { ProjectAuthorizer, type ProjectRef } from '../project-authorizer';
import { changedKeys, projectUpdated } from '../project-events';
import { parseProjectMetadata } from '../project-metadata';
import { ProjectRepository } from '../project.repository';

// `/projects/{p}/metadatas`: five small actions on one key/value map, kept together. Each
// change is a `project.updated` naming the keys, committed with the change.

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
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    body: unknown,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:create');
    const entries = parseProjectMetadata(body);
    if (Object.keys(entries).length === 0) throw badRequest('no metadata given');
    const taken = Object.keys(entries).find((k) => Object.hasOwn(project.metadata, k));
    if (taken) throw conflict(`metadata ${taken} already exists`);
    await this.dataSource.transaction(async (em) => {
      await this.projects.setMetadata(project.id, entries, em);
      await this.outbox.append(em, projectUpdated(audit, project, Object.keys(entries)));
    });
  }
}

/** PUT `{meta_name}` with a body holding exactly that key. */
@Injectable()
export class UpdateProjectMetadataUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    name: string,
    body: unknown,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:update');
    const entries = parseProjectMetadata(body);
    if (Object.keys(entries).length !== 1 || !Object.hasOwn(entries, name))
      throw badRequest(`the body must hold exactly the metadata ${name.slice(0, 64)}`);
    if (!Object.hasOwn(project.metadata, name))
      throw notFound(`metadata ${name.slice(0, 64)} not found`);
    const changes = changedKeys(project.metadata, entries);
    await this.dataSource.transaction(async (em) => {
      await this.projects.setMetadata(project.id, entries, em);
      if (changes.length > 0) await this.outbox.append(em, projectUpdated(audit, project, changes));
    });
  }
}

@Injectable()
export class DeleteProjectMetadataUseCase {
  constructor(
    private readonly authorizer: ProjectAuthorizer,
    private readonly projects: ProjectRepository,
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxWriter,
  ) {}

  async execute(
    actor: Principal,
    ref: ProjectRef,
    name: string,
    audit: Actor = actorOf(actor),
  ): Promise<void> {
    const project = await this.authorizer.require(actor, ref, 'metadata:delete');
    if (!Object.hasOwn(project.metadata, name))
      throw notFound(`metadata ${name.slice(0, 64)} not found`);
    // `public` decides who may pull; it is changed, never removed.
    if (name === 'public') throw badRequest('the metadata public cannot be deleted');
    await this.dataSource.transaction(async (em) => {
      await this.projects.deleteMetadata(project.id, name, em);
      await this.outbox.append(em, projectUpdated(audit, project, [name]));
    });
  }
}
