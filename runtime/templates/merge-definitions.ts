// Three-way merge of app definitions: the pack version a space was installed from (base), the space's
// own definition (ours) and a newer pack version (theirs), object by object and field by field.
import { sameJson } from '../definition/diff-definitions';
import { pointerOf } from '../definition/definition-issue';

/** Why both sides could not be kept. */
export type ConflictKind =
  /** Both sides changed the value, differently. */
  | 'changed_both'
  /** Ours removed what theirs changed. */
  | 'removed_ours'
  /** Theirs removed what ours changed. */
  | 'removed_theirs'
  /** Both sides added it, differently. */
  | 'added_both';

export interface MergeConflict {
  /**
   * Where, as a JSON pointer in which an element of a keyed list is named by its identity rather
   * than its position: `/tables/lead/fields/phone/label/zh-CN`. Stable across both sides, so it
   * also names the conflict in a resolution.
   */
  readonly pointer: string;
  readonly kind: ConflictKind;
  /** Absent (undefined, so left out of JSON) where that side has no value. */
  readonly base?: unknown;
  readonly ours?: unknown;
  readonly theirs?: unknown;
}

/** How a conflict is settled: keep one side's value (absent on that side removes it), or a value. */
export type MergeResolution =
  | { readonly pointer: string; readonly take: 'ours' | 'theirs' | 'base' }
  | { readonly pointer: string; readonly value: unknown };

export interface MergeResult<T> {
  /** The merged document; at an unresolved conflict it keeps ours. */
  readonly merged: T;
  /** Conflicts no resolution settled. */
  readonly conflicts: readonly MergeConflict[];
  /** Resolutions that named no conflict (a typo, or the conflict went away). */
  readonly unusedResolutions: readonly MergeResolution[];
}

const absent: unique symbol = Symbol('absent');
type Maybe = unknown;

/**
 * Merges `theirs`' changes since `base` into `ours`. A change made on one side only is taken;
 * the same change on both sides once; different changes to one value are a conflict, reported with
 * the three values and left as ours unless a resolution settles it. Objects merge property by
 * property; lists whose elements carry a `key` (tables, fields, stages, rules, forms, roles…), an
 * `id` (flow nodes), a `value` (options) or `from`/`to` (flow edges) merge element by element,
 * in ours' order with theirs' additions placed after the element they follow in theirs; lists of
 * distinct strings or numbers (keywords, stage lists) merge as sets; any other list is one value.
 * @example mergeDefinitions(v1, mine, v2).conflicts // [{ pointer: '/tables/lead/fields/name/label/en', … }]
 */
export function mergeDefinitions<T>(
  base: T,
  ours: T,
  theirs: T,
  resolutions: readonly MergeResolution[] = [],
): MergeResult<T> {
  const byPointer = new Map(resolutions.map((r) => [r.pointer, r]));
  const used = new Set<string>();
  const conflicts: MergeConflict[] = [];

  const conflict = (path: readonly string[], kind: ConflictKind, b: Maybe, o: Maybe, t: Maybe) => {
    const pointer = pointerOf(path);
    const resolution = byPointer.get(pointer);
    if (resolution) {
      used.add(pointer);
      if ('value' in resolution) return clone(resolution.value);
      return { ours: o, theirs: t, base: b }[resolution.take];
    }
    conflicts.push({
      pointer,
      kind,
      ...(b !== absent && { base: b }),
      ...(o !== absent && { ours: o }),
      ...(t !== absent && { theirs: t }),
    });
    return o;
  };

  const merge = (path: string[], b: Maybe, o: Maybe, t: Maybe): Maybe => {
    if (same(o, t)) return o;
    if (same(b, o)) return t;
    if (same(b, t)) return o;
    if (o === absent) return conflict(path, 'removed_ours', b, o, t);
    if (t === absent) return conflict(path, 'removed_theirs', b, o, t);
    if (isObject(o) && isObject(t) && (b === absent || isObject(b)))
      return mergeObjects(path, b === absent ? {} : b, o, t);
    const set = primitiveSets(o, t, b);
    if (set) return mergeSets(set.b, set.o, set.t);
    const identity = identityOf(o, t, b);
    if (identity)
      return mergeLists(
        path,
        identity,
        b === absent ? [] : (b as unknown[]),
        o as unknown[],
        t as unknown[],
      );
    return conflict(path, b === absent ? 'added_both' : 'changed_both', b, o, t);
  };

  const mergeObjects = (
    path: string[],
    b: Record<string, unknown>,
    o: Record<string, unknown>,
    t: Record<string, unknown>,
  ) => {
    const out: Record<string, unknown> = {};
    const keys = [...new Set([...Object.keys(o), ...Object.keys(t), ...Object.keys(b)])];
    for (const k of keys) {
      const v = merge([...path, k], at(b, k), at(o, k), at(t, k));
      if (v !== absent) out[k] = v;
    }
    return out;
  };

  const mergeLists = (
    path: string[],
    identity: (x: unknown) => string,
    b: unknown[],
    o: unknown[],
    t: unknown[],
  ) => {
    const index = (list: unknown[]) => new Map(list.map((x) => [identity(x), x]));
    const [bs, os, ts] = [index(b), index(o), index(t)];
    const merged = new Map<string, unknown>();
    for (const id of new Set([...os.keys(), ...ts.keys(), ...bs.keys()])) {
      const v = merge([...path, id], get(bs, id), get(os, id), get(ts, id));
      if (v !== absent) merged.set(id, v);
    }
    // Ours' order, then each of theirs' additions after the element preceding it in theirs.
    const order = [...os.keys()].filter((id) => merged.has(id));
    let after: string | undefined;
    for (const id of ts.keys()) {
      if (merged.has(id) && !order.includes(id)) {
        const at = after === undefined ? 0 : order.indexOf(after) + 1;
        order.splice(at, 0, id);
      }
      if (order.includes(id)) after = id;
    }
    return order.map((id) => merged.get(id));
  };

  const merged = merge([], base, ours, theirs) as T;
  const unusedResolutions = resolutions.filter((r) => !used.has(r.pointer));
  return { merged, conflicts, unusedResolutions };
}

type Primitive = string | number | boolean;

/** The three lists when each holds distinct strings, numbers or booleans (keywords, stages…). */
function primitiveSets(o: Maybe, t: Maybe, b: Maybe) {
  const asSet = (x: Maybe): Primitive[] | undefined =>
    Array.isArray(x) &&
    x.every((v) => ['string', 'number', 'boolean'].includes(typeof v)) &&
    new Set(x).size === x.length
      ? (x as Primitive[])
      : undefined;
  const [os, ts, bs] = [asSet(o), asSet(t), b === absent ? [] : asSet(b)];
  return os && ts && bs ? { o: os, t: ts, b: bs } : undefined;
}

/** Set-like lists: ours in its order without what theirs removed, then what theirs added. */
function mergeSets(b: Primitive[], o: Primitive[], t: Primitive[]): Primitive[] {
  const removed = new Set(b.filter((v) => !t.includes(v)));
  const kept = o.filter((v) => !removed.has(v));
  return [...kept, ...t.filter((v) => !b.includes(v) && !kept.includes(v))];
}

function same(a: Maybe, b: Maybe): boolean {
  if (a === absent || b === absent) return a === b;
  return sameJson(a, b);
}

function isObject(value: Maybe): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function at(object: Record<string, unknown>, key: string): Maybe {
  return Object.hasOwn(object, key) ? object[key] : absent;
}

function get(map: ReadonlyMap<string, unknown>, id: string): Maybe {
  return map.has(id) ? map.get(id) : absent;
}

const identities: ReadonlyArray<(x: Record<string, unknown>) => string | undefined> = [
  (x) => (typeof x.key === 'string' ? x.key : undefined),
  (x) => (typeof x.id === 'string' ? x.id : undefined),
  (x) => (typeof x.value === 'string' ? x.value : undefined),
  (x) =>
    typeof x.from === 'string' && typeof x.to === 'string'
      ? `${x.from}->${x.to}${typeof x.on === 'string' ? `:${x.on}` : ''}`
      : undefined,
];

/**
 * How elements of these lists are told apart: the first identity every element of every side
 * has, unique within each side; undefined when the lists are plain values.
 */
function identityOf(...sides: Maybe[]): ((x: unknown) => string) | undefined {
  const lists = sides.filter((s) => s !== absent);
  if (!lists.every(Array.isArray)) return undefined;
  const elements = (lists as unknown[][]).flat();
  if (elements.length === 0 || !elements.every(isObject)) return undefined;
  for (const candidate of identities) {
    const fits = (lists as Record<string, unknown>[][]).every((list) => {
      const ids = list.map(candidate);
      return ids.every((id) => id !== undefined) && new Set(ids).size === ids.length;
    });
    if (fits) return (x) => candidate(x as Record<string, unknown>)!;
  }
  return undefined;
}

function clone<V>(value: V): V {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as V);
}
