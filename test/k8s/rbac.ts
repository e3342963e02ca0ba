/**
 * Authorization for the test server: bearer tokens map to users, and one RBAC table decides every
 * request and every SelfSubjectAccessReview, so `kubectl auth can-i` and the real endpoints agree
 * (as they do on a real cluster, where both go through the same authorizer).
 *
 * Real RBAC has only allow rules; `deny` here is a test convenience meaning "the Role set lacks
 * this permission" (e.g. everything except delete on networkchaos in namespace shop).
 */

/** One rule. Omitted or '*' fields match anything. `resources` are plurals ("networkchaos"). */
export interface RbacRule {
  verbs?: string[];
  groups?: string[];
  resources?: string[];
  namespaces?: string[];
  names?: string[];
  /** Limit the rule to these users; omitted = every user. */
  users?: string[];
}

/** The table: allowed = some allow rule matches and no deny rule does. */
export interface RbacTable {
  allow: RbacRule[];
  deny: RbacRule[];
}

/** What is being asked (authorizer.Attributes). */
export interface AccessAttributes {
  user: string;
  verb: string;
  group: string;
  resource: string;
  namespace?: string;
  name?: string;
}

/** A table that allows everything (a cluster-admin binding). */
export function allowAll(): RbacTable {
  return { allow: [{}], deny: [] };
}

function hit(list: string[] | undefined, v: string | undefined): boolean {
  if (!list || list.includes('*')) return true;
  return v !== undefined && list.includes(v);
}

function matches(rule: RbacRule, a: AccessAttributes): boolean {
  // A namespaced rule never grants cluster-wide access (a RoleBinding cannot reach "all namespaces").
  const nsOk = !rule.namespaces || rule.namespaces.includes('*') || (a.namespace !== undefined && rule.namespaces.includes(a.namespace));
  return hit(rule.users, a.user) && hit(rule.verbs, a.verb) && hit(rule.groups, a.group) && hit(rule.resources, a.resource) && nsOk && hit(rule.names, a.name);
}

/** The decision and a reason worded like the RBAC authorizer's. */
export function authorize(table: RbacTable, a: AccessAttributes): { allowed: boolean; reason: string } {
  const denied = table.deny.some((r) => matches(r, a));
  const allowedBy = table.allow.find((r) => matches(r, a));
  if (!denied && allowedBy) return { allowed: true, reason: `RBAC: allowed by ClusterRoleBinding "gameday-test" of ClusterRole "gameday-test" to User "${a.user}"` };
  return { allowed: false, reason: '' };
}

/** Bearer tokens of the test server and the user each authenticates as. */
export class TokenTable {
  private readonly users = new Map<string, string>();

  /** Registers a token for a user. */
  add(token: string, user: string): void {
    this.users.set(token, user);
  }

  /** The user of an `Authorization: Bearer …` header, or undefined. */
  userOf(header: string | undefined): string | undefined {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    return m ? this.users.get(m[1]!) : undefined;
  }
}
