export * from './project.entity';
export * from './project.repository';
export * from './projects-domain.module';
