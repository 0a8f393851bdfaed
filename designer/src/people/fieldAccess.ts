// Reading and toggling a role's field allow-lists the way the permission matrix shows them.
import type { FieldAccess } from '../../../runtime/permissions/role-schema';

/** Whether a field is readable: an absent `read` list means every field. */
export function canRead(access: FieldAccess | undefined, field: string): boolean {
  const read = access?.read;
  return read === undefined || read === '*' || read.includes(field);
}

/** Whether a field is writable: an absent `write` list means none; `*` every readable one. */
export function canWrite(access: FieldAccess | undefined, field: string): boolean {
  const write = access?.write;
  if (write === undefined || !canRead(access, field)) return false;
  return write === '*' || write.includes(field);
}

function list(all: readonly string[], keep: (f: string) => boolean): '*' | string[] {
  const kept = all.filter(keep);
  return kept.length === all.length ? '*' : kept;
}

/**
 * The access with one cell toggled; lists are written out explicitly and collapse to `*` when
 * they name every field. Taking read away takes write away too.
 * @example toggle(undefined, ['a', 'b'], 'b', 'read') // { read: ['a'], write: [] }
 */
export function toggle(
  access: FieldAccess | undefined,
  all: readonly string[],
  field: string,
  what: 'read' | 'write',
): FieldAccess {
  const reads = (f: string) => canRead(access, f);
  const writes = (f: string) => canWrite(access, f);
  if (what === 'read') {
    const on = !reads(field);
    const read = list(all, (f) => (f === field ? on : reads(f)));
    // The toggled field was not writable before it was readable, and is not once unreadable.
    return { read, write: list(all, (f) => f !== field && writes(f)) };
  }
  const on = !writes(field);
  return {
    read: list(all, (f) => reads(f) || (f === field && on)),
    write: list(all, (f) => (f === field ? on : writes(f))),
  };
}
