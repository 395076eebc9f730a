/**
 * A typed key for a service in the container. The type parameter only exists at compile
 * time: `resolve(token)` returns `T` without a cast.
 *
 * @example
 * ```ts
 * export const clockToken = createToken<Clock>('core.clock');
 * ```
 */
export type Token<T> = symbol & { readonly __type?: T };

/**
 * Creates a token for a service. The id is `'<plugin>.<name>'`, unique across the process;
 * the same id always gives the same token, so two copies of a package agree.
 */
export function createToken<T>(id: `${string}.${string}`): Token<T> {
  return Symbol.for(`hangar:${id}`) as Token<T>;
}

/** The id a token was created with, for error messages. */
export function tokenId(token: Token<unknown>): string {
  return (token.description ?? String(token)).replace(/^hangar:/, '');
}
