import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config.js';
import { dataSourceOptions } from './data-source.js';
import { TransactionContext } from './transaction-context.js';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const { url, poolSize } = config.database;
        return { ...dataSourceOptions(url, poolSize), autoLoadEntities: false };
      },
    }),
  ],
  providers: [TransactionContext],
  exports: [TransactionContext],
})
export class DatabaseModule {}
