import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { BerthConfig } from './berth-config';

/** Injection token for the process's BerthConfig. */
export const BERTH_CONFIG = Symbol('BERTH_CONFIG');

@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: BerthConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: BERTH_CONFIG, useValue: config }],
      exports: [BERTH_CONFIG],
    };
  }
}
