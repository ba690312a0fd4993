import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { SigningKeyEntity } from './signing-key.entity';

@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts the key unless its generation is taken (another replica won); true when inserted. */
  async insertIfGenerationFree(key: SigningKeyEntity): Promise<boolean> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SigningKeyEntity)
      .values(key)
      .orIgnore()
      .execute();
    const stored = await this.dataSource
      .getRepository(SigningKeyEntity)
      .findOneBy({ generation: key.generation });
    return stored?.kid === key.kid;
  }

  async delete(kid: string): Promise<void> {
    await this.dataSource.getRepository(SigningKeyEntity).delete({ kid });
  }

  /** Every key, newest generation first. */
  findAll(): Promise<SigningKeyEntity[]> {
    return this.dataSource.getRepository(SigningKeyEntity).find({ order: { generation: 'DESC' } });
  }
}
