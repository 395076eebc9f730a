import type { EntityManager } from '@mikro-orm/core';
import { notifyStatement } from '../pubsub/postgres-pubsub.js';

/** A raw row as PostgreSQL returns it (snake_case columns). */
export type Row = Record<string, unknown>;

/** Runs SQL with `?` placeholders, in whatever transaction the EntityManager is in. */
export type SqlRunner = (sql: string, bindings?: readonly unknown[]) => Promise<Row[]>;

/**
 * A {@link SqlRunner} on an EntityManager: inside `em.transactional(...)` the statements join
 * that transaction, otherwise each one commits on its own.
 */
export function sqlOn(em: EntityManager): SqlRunner {
  return (sql, bindings = []) => em.getConnection().execute(sql, [...bindings], 'all', em.getTransactionContext()) as Promise<Row[]>;
}

/**
 * Publishes a small pubsub message through the EntityManager's transaction: PostgreSQL delivers
 * it when the transaction commits (at once when there is none), and drops it on rollback.
 */
export async function notifyOn(em: EntityManager, channel: string, payload: string): Promise<void> {
  const { sql, bindings } = notifyStatement(channel, payload);
  await sqlOn(em)(sql, bindings);
}

/** A JSON value as a bind parameter for a `?::jsonb` placeholder. */
export function jsonParam(value: unknown): string {
  return JSON.stringify(value);
}
