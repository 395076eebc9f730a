import { HangarError } from '../errors/hangar-error.js';
import { type WorkspaceStatus, workspaceStatuses } from './workspace-status.js';

/** A parsed workspace search (`q`). */
export interface WorkspaceSearch {
  /** `me` or a username (or a user id). */
  readonly owner?: string;
  /** A template name (or id). */
  readonly template?: string;
  readonly status?: WorkspaceStatus;
  /** Substrings the name must contain (case-insensitive). */
  readonly name: readonly string[];
  /** `deleted:true` lists deleted workspaces instead of live ones. */
  readonly deleted: boolean;
}

const keys = ['owner', 'template', 'status', 'name', 'deleted'] as const;

/**
 * Parses a workspace search like Coder's: space-separated `key:value` terms (`owner:me`,
 * `owner:alice`, `template:docker`, `status:running`, `name:dev`, `deleted:true`); a bare
 * word matches names. An unknown key or value is a 400 naming `q`.
 *
 * @example
 * ```ts
 * parseWorkspaceSearch('owner:me status:running dev');
 * // { owner: 'me', status: 'running', name: ['dev'], deleted: false }
 * ```
 */
export function parseWorkspaceSearch(q: string | undefined): WorkspaceSearch {
  const search: { owner?: string; template?: string; status?: WorkspaceStatus; name: string[]; deleted: boolean } = { name: [], deleted: false };
  for (const term of (q ?? '').trim().split(/\s+/).filter(Boolean)) {
    const colon = term.indexOf(':');
    if (colon < 0) {
      search.name.push(term);
      continue;
    }
    const key = term.slice(0, colon).toLowerCase();
    const value = term.slice(colon + 1).replace(/^"(.*)"$/, '$1');
    if (!value) throw invalid(`"${key}:" needs a value`);
    switch (key as (typeof keys)[number]) {
      case 'owner':
        search.owner = value;
        break;
      case 'template':
        search.template = value;
        break;
      case 'status':
        if (!workspaceStatuses.includes(value as WorkspaceStatus)) throw invalid(`status "${value}" is not one of ${workspaceStatuses.join(', ')}`);
        search.status = value as WorkspaceStatus;
        break;
      case 'name':
        search.name.push(value);
        break;
      case 'deleted':
        if (value !== 'true' && value !== 'false') throw invalid('deleted must be true or false');
        search.deleted = value === 'true';
        break;
      default:
        throw invalid(`"${key}" is not a search key; use ${keys.join(', ')}`);
    }
  }
  return search;
}

function invalid(reason: string): HangarError {
  return new HangarError('HANGAR_ERR_WORKSPACE_SEARCH_INVALID', { reason }, { validations: [{ field: 'querystring.q', detail: reason }] });
}
