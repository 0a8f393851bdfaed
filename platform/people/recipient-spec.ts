// The recipient language of notify and escalation nodes: `owner.manager`, `role:supervisor@region`, …

/** A parsed recipient spec. */
export type RecipientSpec =
  /** The record's owner (`levels` 0) or the manager `levels` steps up the reporting line. */
  | { readonly kind: 'owner'; readonly levels: number }
  /** Members of the space holding `role`, optionally only those in the owner's province. */
  | { readonly kind: 'role'; readonly role: string; readonly sameRegion: boolean }
  /** One user by id or e-mail address. */
  | { readonly kind: 'user'; readonly idOrEmail: string };

export type RecipientSpecResult =
  | { readonly ok: true; readonly value: RecipientSpec }
  | { readonly ok: false; readonly message: string };

/** How far up `owner.manager.….manager` may climb. */
export const maxManagerLevels = 10;

const rolePattern = /^[^\s@:,]{1,63}$/u;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Parses a recipient spec without throwing: `owner`, `owner.manager` (repeat `.manager` to climb),
 * `role:<role>`, `role:<role>@region`, `group:<role>` (alias of role), `user:<uuid or e-mail>`.
 * @example parseRecipientSpec('owner.manager.manager') // { ok: true, value: { kind: 'owner', levels: 2 } }
 */
export function parseRecipientSpec(spec: string): RecipientSpecResult {
  const text = spec.trim();
  if (text === 'owner' || text.startsWith('owner.')) {
    const steps = text.split('.').slice(1);
    if (steps.some((s) => s !== 'manager')) {
      return fail(`"${spec}": after "owner" only ".manager" steps are allowed`);
    }
    if (steps.length > maxManagerLevels) {
      return fail(`"${spec}": at most ${maxManagerLevels} manager levels`);
    }
    return { ok: true, value: { kind: 'owner', levels: steps.length } };
  }
  const colon = text.indexOf(':');
  const prefix = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (prefix === 'role' || prefix === 'group') {
    const [role = '', scope, ...more] = rest.split('@');
    if (!rolePattern.test(role) || more.length > 0 || (scope !== undefined && scope !== 'region')) {
      return fail(`"${spec}": expected ${prefix}:<role> or ${prefix}:<role>@region`);
    }
    return { ok: true, value: { kind: 'role', role, sameRegion: scope === 'region' } };
  }
  if (prefix === 'user') {
    if (!uuidPattern.test(rest) && !emailPattern.test(rest)) {
      return fail(`"${spec}": expected user:<uuid> or user:<e-mail address>`);
    }
    return { ok: true, value: { kind: 'user', idOrEmail: rest } };
  }
  return fail(
    `"${spec}" is not a recipient: use owner, owner.manager, role:<role>[@region], group:<role>, user:<id or e-mail>`,
  );
}

function fail(message: string): RecipientSpecResult {
  return { ok: false, message };
}
