// Errors of the people module with stable codes.
import { BatonError, ConflictError } from '../errors';

/** 400: the new manager reports (directly or not) to the user, or is the user. */
export class ManagerCycleError extends BatonError {
  constructor(readonly cycle: readonly { readonly id: string; readonly email: string }[]) {
    super(
      'MANAGER_CYCLE',
      400,
      `manager would close a reporting cycle: ${cycle.map((u) => u.email).join(' → ')}`,
      { cycle },
    );
  }
}

/** 409: another user has this e-mail address. */
export class UserExistsError extends ConflictError {
  constructor(email: string) {
    super('USER_EXISTS', `a user with e-mail "${email}" already exists`, { email });
  }
}
