import { basename } from 'node:path';

/**
 * Which names the provider serves: `hangar` gives `hangar_*` types (source `hangar/hangar`),
 * `coder` gives the same schemas as `coder_*` with Coder's attribute names (source `coder/coder`),
 * so Coder templates run unchanged.
 */
export type Flavour = 'hangar' | 'coder';

/** Every flavour, in the order they are served when both are. */
export const FLAVOURS: readonly Flavour[] = ['hangar', 'coder'];

/**
 * Provider source addresses per flavour, in the short form terraform expands with its default
 * registry host (as `required_providers` does).
 */
export const PROVIDER_SOURCES: Readonly<Record<Flavour, string>> = {
  hangar: 'hangar/hangar',
  coder: 'coder/coder',
};

/**
 * Picks the flavours a standalone provider process serves.
 *
 * 1. `HANGAR_PROVIDER_TYPES` (`hangar`, `coder` or `hangar,coder`) wins when set.
 * 2. Otherwise the executable path: a `…/coder/coder/…` install directory or a
 *    `terraform-provider-coder` file name means `coder`; `…/hangar/hangar/…` or
 *    `terraform-provider-hangar` means `hangar`.
 * 3. Otherwise both, which is harmless: terraform ignores types a template does not use.
 */
export function detectFlavours(executablePath: string, env: NodeJS.ProcessEnv): Flavour[] {
  const override = env.HANGAR_PROVIDER_TYPES?.trim();
  if (override) {
    const chosen = override.split(',').map((part) => part.trim());
    const unknown = chosen.filter((part) => !FLAVOURS.includes(part as Flavour));
    if (unknown.length > 0) {
      throw new Error(`HANGAR_PROVIDER_TYPES must list hangar and/or coder, not: ${unknown.join(', ')}`);
    }
    return FLAVOURS.filter((flavour) => chosen.includes(flavour));
  }
  const path = executablePath.replaceAll('\\', '/');
  const file = basename(path);
  // The install directory first: a wrapper named terraform-provider-hangar may sit in coder/coder.
  const byDirectory = FLAVOURS.find((flavour) => path.includes(`/${flavour}/${flavour}/`));
  const byName = FLAVOURS.find((flavour) => file.startsWith(`terraform-provider-${flavour}`));
  const found = byDirectory ?? byName;
  return found ? [found] : [...FLAVOURS];
}
