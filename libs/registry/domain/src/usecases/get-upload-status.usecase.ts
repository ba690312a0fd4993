import { Injectable } from '@nestjs/common';
import { UploadSessionLookup } from './upload-session.lookup';

/** GET on an upload: how many bytes it holds. */
@Injectable()
export class GetUploadStatusUseCase {
  constructor(private readonly lookup: UploadSessionLookup) {}

  async execute(repository: string, uploadId: string): Promise<number> {
    return (await this.lookup.find(repository, uploadId)).offset;
  }
}
