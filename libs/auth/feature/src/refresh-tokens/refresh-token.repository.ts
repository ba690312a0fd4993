import { Injectable } from '@nestjs/common';
import { DataSource, LessThan } from 'typeorm';
import { RefreshTokenEntity } from './refresh-token.entity';

@Injectable()
export class RefreshTokenRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get tokens() {
    return this.dataSource.getRepository(RefreshTokenEntity);
  }

  async insert(token: RefreshTokenEntity): Promise<void> {
    await this.tokens.insert(token);
  }

  findBySelector(selector: string): Promise<RefreshTokenEntity | null> {
    return this.tokens.findOneBy({ selector });
  }

  async delete(selector: string): Promise<void> {
    await this.tokens.delete({ selector });
  }

  /** `now` is an ISO time; ISO-8601 UTC strings of one format sort as times do. */
  async deleteExpired(now: string): Promise<void> {
    await this.tokens.delete({ expiresAt: LessThan(now) });
  }
}
