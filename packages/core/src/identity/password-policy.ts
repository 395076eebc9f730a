/** The minimum strength a password must have. */
export interface PasswordPolicyOptions {
  /** Fewest characters (default 8). */
  readonly minLength?: number;
  /** Least estimated entropy in bits, from length and character classes (default 50). */
  readonly minEntropyBits?: number;
}

/** What a password is checked against besides itself. */
export interface PasswordContext {
  readonly username?: string;
  readonly email?: string;
}

// Words that make a password guessable whatever digits and symbols surround them.
const commonWords = new Set([
  'password', 'passw0rd', 'qwerty', 'qwertyuiop', 'letmein', 'welcome', 'admin', 'administrator', 'iloveyou',
  'monkey', 'dragon', 'football', 'baseball', 'sunshine', 'princess', 'trustno', 'master', 'hangar', 'coder',
  'abc', 'abcdef', 'abcdefgh', 'changeme', 'secret', 'login', 'asdfgh', 'asdfghjkl', 'zxcvbn',
]);

/**
 * Checks a password against the policy; returns why it is too weak, or `undefined`. Rules:
 * a minimum length, a minimum entropy estimate (length × log2 of the character pool), at
 * least 4 distinct characters, not a common word with digits or symbols around it, and not
 * containing the username or the email's local part.
 */
export function passwordWeakness(password: string, context: PasswordContext, policy: Required<PasswordPolicyOptions>): string | undefined {
  if ([...password].length < policy.minLength) return `it must have at least ${policy.minLength} characters`;
  if (new Set(password).size < 4) return 'it must use at least 4 different characters';
  const core = password.toLowerCase().replace(/[^a-z]/g, '');
  if (commonWords.has(core)) return 'it is a commonly used password';
  const lower = password.toLowerCase();
  for (const personal of [context.username, context.email?.split('@')[0]]) {
    if (personal && personal.length >= 3 && lower.includes(personal.toLowerCase())) return 'it must not contain your username or email';
  }
  const bits = entropyBits(password);
  if (bits < policy.minEntropyBits) return `it is too easy to guess (about ${Math.floor(bits)} bits; use a longer password or more kinds of characters)`;
  return undefined;
}

/** Estimated entropy in bits: length times log2 of the pool of character classes used. */
export function entropyBits(password: string): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  return pool === 0 ? 0 : [...password].length * Math.log2(pool);
}
