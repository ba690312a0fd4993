import { Injectable } from '@nestjs/common';
import { fetchPage, type Page } from '../paging';
import { TagRepository } from '../repositories/tag.repository';
import { RepositoryResolver } from '../repository-resolver';

/** GET /v2/<name>/tags/list with `n`/`last` paging. */
@Injectable()
export class ListTagsUseCase {
  constructor(
    private readonly resolver: RepositoryResolver,
    private readonly tags: TagRepository,
  ) {}

  async execute(repository: string, n?: string, last?: string): Promise<Page> {
    const repo = await this.resolver.existing(repository);
    return fetchPage(`/v2/${repository}/tags/list`, n, last, (after, limit) =>
      this.tags.list(repo.id, after, limit),
    );
  }
}
