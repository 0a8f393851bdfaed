// One table's rights for an actor, merged over their roles: row scopes, field lists per stage, rights.
import type { TableDefinition } from '../../runtime/definition/definition-schema';
import {
  systemFieldKeys,
  type FieldAccess,
  type RoleDefinition,
  type RowScope,
  type ScopedAction,
} from '../../runtime/permissions/role-schema';
import type { UserFacts } from './space-access';

/** A row scope with the table settings it needs (the field a `region` scope compares). */
export interface ScopeGrant {
  readonly scope: RowScope;
  readonly regionField: string;
}

export interface TableAccess {
  readonly key: string;
  readonly bypass: boolean;
  readonly user: UserFacts | null;
  readonly create: boolean;
  readonly export: boolean;
  readonly import: boolean;
  /** Scopes granting `action`; none means no row, any `all` means every row. */
  scopes(action: ScopedAction): readonly ScopeGrant[];
  /** Fields (designed and system) readable on a record in `stage`. */
  readableAt(stage: string | null): ReadonlySet<string>;
  /** Designed fields plus `owner` / `stage` writable on a record in `stage`. */
  writableAt(stage: string | null): ReadonlySet<string>;
  /** Fields readable whatever the stage: the only ones a filter, sort or search may use. */
  readonly alwaysReadable: ReadonlySet<string>;
}

interface RoleFields {
  readonly read: Set<string>;
  readonly write: Set<string>;
}

/**
 * Merges the roles' rights on `table`. Several roles add up: a row any role reaches is reachable,
 * a field any role that reads rows of the table may read is readable, any right granted is held.
 */
export function tableAccessOf(
  table: TableDefinition | undefined,
  key: string,
  roles: readonly RoleDefinition[],
  user: UserFacts | null,
  bypass: boolean,
): TableAccess {
  const fieldKeys = (table?.fields ?? []).map((f) => f.key);
  const stageKeys = (table?.stages ?? []).map((s) => s.key);
  const all = new Set([...systemFieldKeys, ...fieldKeys]);
  const allWritable = new Set(['owner', 'stage', ...fieldKeys]);
  if (bypass) {
    const grant: ScopeGrant = { scope: 'all', regionField: 'province' };
    return {
      key,
      bypass,
      user,
      create: true,
      export: true,
      import: true,
      scopes: () => [grant],
      readableAt: () => all,
      writableAt: () => allWritable,
      alwaysReadable: all,
    };
  }
  const grants = roles.flatMap((r) => (r.tables[key] ? [r.tables[key]] : []));
  const scopesOf = (action: ScopedAction): ScopeGrant[] =>
    grants.flatMap((g) => {
      const scope = g[action];
      return scope === undefined ? [] : [{ scope, regionField: g.regionField ?? 'province' }];
    });
  const byAction = {
    read: scopesOf('read'),
    update: scopesOf('update'),
    delete: scopesOf('delete'),
  };
  const fieldsAt = (stage: string | null): RoleFields => {
    const read = new Set<string>(systemFieldKeys);
    const write = new Set<string>();
    for (const grant of grants) {
      const base = grant.fields ?? {};
      const override = stage === null ? undefined : grant.stages?.[stage];
      const access: FieldAccess = { ...base, ...override };
      const readable = access.read === undefined || access.read === '*' ? fieldKeys : access.read;
      // A grant that reads no row (create-only, say) shows no field: its lists (or their absence,
      // meaning "all") must not widen what another role shows on the rows that role reaches.
      if (grant.read !== undefined) for (const f of readable) read.add(f);
      const writable =
        access.write === undefined
          ? []
          : access.write === '*'
            ? ['owner', 'stage', ...readable]
            : access.write;
      for (const f of writable) write.add(f);
    }
    return { read, write };
  };
  const cache = new Map<string, RoleFields>();
  const at = (stage: string | null): RoleFields => {
    const k = stage ?? '';
    let fields = cache.get(k);
    if (!fields) {
      fields = fieldsAt(stage !== null && stageKeys.includes(stage) ? stage : null);
      cache.set(k, fields);
    }
    return fields;
  };
  const always = new Set(at(null).read);
  for (const stage of stageKeys)
    for (const f of always) if (!at(stage).read.has(f)) always.delete(f);
  return {
    key,
    bypass,
    user,
    create: grants.some((g) => g.create === true),
    export: grants.some((g) => g.export === true),
    import: grants.some((g) => g.import === true),
    scopes: (action) => byAction[action],
    readableAt: (stage) => at(stage).read,
    writableAt: (stage) => at(stage).write,
    alwaysReadable: always,
  };
}
