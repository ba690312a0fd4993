import { Injectable } from '@nestjs/common';
import { fetchPage, type Page } from '../paging';
import { RepositoryRepository } from '../repositories/repository.repository';

/** GET /v2/_catalog with `n`/`last` paging. */
@Injectable()
export class ListCatalogUseCase {
  constructor(private readonly repositories: RepositoryRepository) {}

  execute(n?: string, last?: string): Promise<Page> {
    return fetchPage('/v2/_catalog', n, last, (after, limit) =>
      this.repositories.listNames(after, limit),
    );
  }
}
