import 'reflect-metadata';
import {
  container as globalContainer,
  type DependencyContainer,
  instanceCachingFactory,
  instancePerContainerCachingFactory,
} from 'tsyringe';
import { HangarError } from '../errors/hangar-error.js';
import { type Token, tokenId } from './token.js';

/** Makes a service; it receives the container it is resolved from. */
export type Factory<T> = (container: ServiceContainer) => T;

/**
 * How long a provided service lives: `singleton` (one instance, the default), `scoped`
 * (one per child container, e.g. per request) or `transient` (new on every resolve).
 */
export type ServiceScope = 'singleton' | 'scoped' | 'transient';

const wrappers = new WeakMap<DependencyContainer, ServiceContainer>();

/**
 * The dependency-injection container of one Hangar server. Each server has its own (never
 * tsyringe's global one), so two servers live side by side in one process; each request
 * gets a child container holding request-scoped services such as its database session.
 */
export class ServiceContainer {
  private constructor(private readonly inner: DependencyContainer) {
    wrappers.set(inner, this);
  }

  /** A new root container, independent of every other. */
  static createRoot(): ServiceContainer {
    return new ServiceContainer(globalContainer.createChildContainer());
  }

  /** Registers a factory under a token. A later registration of the same token wins. */
  provide<T>(token: Token<T>, factory: Factory<T>, scope: ServiceScope = 'singleton'): void {
    const build = (c: DependencyContainer): T => factory(ServiceContainer.of(c));
    const useFactory =
      scope === 'singleton'
        ? instanceCachingFactory(build)
        : scope === 'scoped'
          ? instancePerContainerCachingFactory(build)
          : build;
    this.inner.register(token, { useFactory });
  }

  /** Registers an existing value under a token. */
  provideValue<T>(token: Token<T>, value: T): void {
    this.inner.register(token, { useValue: value });
  }

  /** Whether something is registered under the token here or in a parent. */
  has(token: Token<unknown>): boolean {
    return this.inner.isRegistered(token, true);
  }

  /** Returns the service for a token; throws `HANGAR_ERR_SERVICE_MISSING` if none is provided. */
  resolve<T>(token: Token<T>): T {
    if (!this.has(token)) throw new HangarError('HANGAR_ERR_SERVICE_MISSING', { service: tokenId(token) });
    return this.inner.resolve<T>(token);
  }

  /** Returns the service for a token, or `undefined` when none is provided. */
  tryResolve<T>(token: Token<T>): T | undefined {
    return this.has(token) ? this.inner.resolve<T>(token) : undefined;
  }

  /** A child container: it sees every parent service and may shadow them. */
  createChild(): ServiceContainer {
    return new ServiceContainer(this.inner.createChildContainer());
  }

  private static of(inner: DependencyContainer): ServiceContainer {
    return wrappers.get(inner) ?? new ServiceContainer(inner);
  }
}
