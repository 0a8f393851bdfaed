// Refusals of the permission model: 401 without a caller, 403 with what exactly is not allowed.
import { BatonError } from '../errors';

/** The caller is not signed in and the action needs someone who is. */
export class UnauthenticatedError extends BatonError {
  constructor() {
    super('UNAUTHENTICATED', 401, 'sign in first / 请先登录');
  }
}

/** The caller may not perform `action` (on `table` when given). */
export class ForbiddenError extends BatonError {
  constructor(action: string, what: string, details?: Record<string, unknown>) {
    super(
      'FORBIDDEN',
      403,
      `you may not ${action} ${what} / 无权${actionZh[action] ?? action}${what}`,
      { action, ...details },
    );
  }
}

/** Fields the caller tried to write but may not, named so the form can mark them. */
export class FieldsNotWritableError extends BatonError {
  constructor(fields: readonly string[]) {
    super(
      'FIELDS_NOT_WRITABLE',
      403,
      `you may not write the fields ${fields.join(', ')} / 无权修改字段：${fields.join('、')}`,
      { fields },
    );
  }
}

/** A filter, sort or search names a field the caller cannot read (its values could be inferred). */
export class FieldNotReadableError extends BatonError {
  constructor(field: string, use: 'filter' | 'sort' | 'expand' | 'map') {
    super(
      'FIELD_NOT_READABLE',
      403,
      `you cannot ${use} on the field "${field}": it is hidden from you / 字段「${field}」对您不可见，不能用于${useZh[use]}`,
      { field, use },
    );
  }
}

const actionZh: Record<string, string> = {
  read: '查看',
  create: '新建',
  update: '修改',
  delete: '删除',
  export: '导出',
  import: '导入',
  'edit the definition of': '编辑应用定义：',
  'view as a role in': '以角色视角查看：',
  manage: '管理',
};

const useZh = { filter: '筛选', sort: '排序', expand: '展开', map: '导入映射' } as const;
