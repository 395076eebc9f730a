/** A user's membership of one organization, as the authoriser sees it. */
export interface SubjectMembership {
  readonly organizationId: string;
  /** Organization roles held there; `organization-member` is always among them. */
  readonly roles: readonly string[];
}

/**
 * Who is acting: a signed-in user with their site roles (`member` always among them) and
 * their organization memberships. The identity subsystem builds it for every request.
 */
export interface Subject {
  /** The user's id. */
  readonly id: string;
  readonly username: string;
  /** Site-wide roles. */
  readonly roles: readonly string[];
  readonly organizations: readonly SubjectMembership[];
}

/**
 * What an action is done to. Only `type` is required; `ownerId` lets owner-level
 * permissions apply and `organizationId` lets organization roles apply.
 */
export interface RbacObject {
  readonly type: string;
  readonly id?: string;
  /** The user who owns the object (for a user: the user's own id). */
  readonly ownerId?: string | null;
  /** The organization the object belongs to (for an organization: its own id). */
  readonly organizationId?: string | null;
}

/** The implicit site role every user holds. */
export const memberRole = 'member';
/** The implicit organization role every member of an organization holds. */
export const organizationMemberRole = 'organization-member';
