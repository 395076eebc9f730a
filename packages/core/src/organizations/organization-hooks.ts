import type { EntityManager } from '@mikro-orm/postgresql';
import { AsyncParallelHook, AsyncSeriesHook } from 'tapable';
import { createToken } from '../kernel/token.js';
import type { OrganizationRecord } from './organization-entities.js';

/** An organization being created, inside the creating transaction. */
export interface OrganizationCreatedEvent {
  readonly organization: OrganizationRecord;
  /** The transaction's EntityManager. */
  readonly em: EntityManager;
}

/** A membership that changed. */
export interface MembershipEvent {
  readonly organizationId: string;
  readonly userId: string;
  readonly roles: readonly string[];
}

/** Creates the organizations subsystem's hooks. */
export function createOrganizationHooks() {
  return Object.freeze({
    /** Inside the transaction creating an organization (the default one too): add what belongs with it; throwing rolls it back. */
    afterOrganizationCreated: new AsyncSeriesHook<[OrganizationCreatedEvent]>(['event']),
    /** A user joined an organization (committed). */
    memberAdded: new AsyncParallelHook<[MembershipEvent]>(['membership']),
    /** A user left an organization (committed). */
    memberRemoved: new AsyncParallelHook<[MembershipEvent]>(['membership']),
  });
}

/** The organizations subsystem's hooks. */
export type OrganizationHooks = ReturnType<typeof createOrganizationHooks>;

/** Token of the organizations subsystem's hooks. */
export const organizationHooksToken = createToken<OrganizationHooks>('organizations.hooks');
