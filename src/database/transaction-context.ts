import { AsyncLocalStorage } from 'node:async_hooks';
import { Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * Carries the current request's transaction. The audit interceptor opens one
 * around every state-changing request and writes the audit row inside it, so
 * a change and its audit row commit or roll back together. Services take
 * their EntityManager from here and never open their own for request work.
 */
@Injectable()
export class TransactionContext {
  private readonly storage = new AsyncLocalStorage<EntityManager>();
  private readonly compensations = new WeakMap<EntityManager, (() => Promise<void>)[]>();

  constructor(private readonly dataSource: DataSource) {}

  /** The transaction's manager inside `run`, else the pool's. */
  get manager(): EntityManager {
    return this.storage.getStore() ?? this.dataSource.manager;
  }

  get inTransaction(): boolean {
    return this.storage.getStore() !== undefined;
  }

  /**
   * One SQL statement: inside the current transaction if there is one, else
   * straight on the driver's pool; either way the rows it returns. Used on the per-request hot path (the
   * session check and the audit insert), where TypeORM's query-runner
   * bookkeeping would cost more than the statement.
   */
  async query<T>(sql: string, params: unknown[]): Promise<T[]> {
    const manager = this.storage.getStore();
    if (manager !== undefined) {
      // The rows of any statement, UPDATE … RETURNING included (a plain
      // manager.query returns [rows, count] for UPDATE and DELETE).
      const runner = manager.queryRunner;
      if (runner !== undefined) return (await runner.query(sql, params, true)).records as T[];
      return manager.query<T[]>(sql, params);
    }
    const pool = (this.dataSource.driver as PostgresDriver).master as Pool;
    const result = await pool.query(sql, params);
    return result.rows as T[];
  }

  /** Runs `work` in a new transaction (or joins the current one). */
  async run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const current = this.storage.getStore();
    if (current !== undefined) return work(current);
    let manager: EntityManager | undefined;
    try {
      return await this.dataSource.transaction((m) => {
        manager = m;
        return this.storage.run(m, () => work(m));
      });
    } catch (error) {
      const undo = manager === undefined ? [] : (this.compensations.get(manager) ?? []);
      for (const step of undo.reverse()) await step().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Undoes a side effect outside the database (a stored file) if the current
   * transaction rolls back, so that nothing is left that no row refers to.
   */
  onRollback(step: () => Promise<void>): void {
    const manager = this.storage.getStore();
    if (manager === undefined) throw new Error('onRollback needs a transaction');
    this.compensations.set(manager, [...(this.compensations.get(manager) ?? []), step]);
  }
}
