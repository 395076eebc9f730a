import { createHmac, timingSafeEqual } from 'node:crypto';

/** The session cookie, HttpOnly and SameSite=Lax. */
export const sessionCookieName = 'hangar_session_token';
/** The CSRF cookie: readable by the dashboard's script, which echoes it in {@link csrfHeaderName}. */
export const csrfCookieName = 'hangar_csrf_token';
/** The header a cookie-authenticated mutation carries its CSRF token in. */
export const csrfHeaderName = 'x-csrf-token';
/** The header that carries a session token. */
export const sessionHeaderName = 'hangar-session-token';

/** Reads one cookie from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const at = part.indexOf('=');
    if (at < 0 || part.slice(0, at).trim() !== name) continue;
    const value = part.slice(at + 1).trim();
    try {
      return decodeURIComponent(value.startsWith('"') && value.endsWith('"') ? value.slice(1, -1) : value);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The CSRF token of a session: an HMAC of a fixed label keyed by the session token. Only
 * someone holding the session token can compute it, and it needs no server-side state.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('hangar-csrf-v1').digest('base64url');
}

/** Whether a presented CSRF token belongs to the session, compared in constant time. */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (!presented) return false;
  const expected = Buffer.from(csrfTokenFor(sessionToken));
  const actual = Buffer.from(presented);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** Cookie attributes. */
export interface CookieOptions {
  readonly maxAgeSeconds: number;
  readonly secure: boolean;
}

/** `Set-Cookie` values that store a session: the HttpOnly session cookie and the CSRF cookie. */
export function sessionCookies(sessionToken: string, options: CookieOptions): string[] {
  const attributes = `Path=/; Max-Age=${options.maxAgeSeconds}; SameSite=Lax${options.secure ? '; Secure' : ''}`;
  return [`${sessionCookieName}=${sessionToken}; ${attributes}; HttpOnly`, `${csrfCookieName}=${csrfTokenFor(sessionToken)}; ${attributes}`];
}

/** `Set-Cookie` values that remove both cookies. */
export function clearedSessionCookies(secure: boolean): string[] {
  const attributes = `Path=/; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT; SameSite=Lax${secure ? '; Secure' : ''}`;
  return [`${sessionCookieName}=; ${attributes}; HttpOnly`, `${csrfCookieName}=; ${attributes}`];
}
