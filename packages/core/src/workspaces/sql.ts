import type { EntityManager } from '@mikro-orm/core';
import type { EntityManager as SqlEntityManager } from '@mikro-orm/postgresql';

/**
 * Runs raw SQL with `?` bindings on an EntityManager, inside its transaction when it has
 * one (MikroORM's connection-level `execute` would run outside it).
 */
export function query<T = Record<string, unknown>>(em: EntityManager, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute(sql, [...bindings]) as Promise<T[]>;
}

/** A timestamp column as a Date (the driver may return strings for computed columns). */
export function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** A nullable timestamp column as a Date or null. */
export function toDateOrNull(value: unknown): Date | null {
  return value === null || value === undefined ? null : toDate(value);
}
