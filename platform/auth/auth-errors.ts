// Refusals of login and authentication, with zh-CN/en messages a person reads.
import { BatonError } from '../errors';

/** No credentials, or credentials that do not open anything (unknown, expired, revoked). */
export class AuthenticationRequiredError extends BatonError {
  constructor(reason = 'sign in or send an API token (Authorization: Bearer …)') {
    super(
      'UNAUTHENTICATED',
      401,
      `authentication required: ${reason} / 需要登录：请先登录或提供 API 令牌`,
    );
  }
}

/** Wrong e-mail or password; which of the two is never told. */
export class LoginFailedError extends BatonError {
  constructor() {
    super('LOGIN_FAILED', 401, 'wrong e-mail address or password / 邮箱或密码错误');
  }
}

/** A cookie-authenticated unsafe request without a valid CSRF token or from another origin. */
export class CsrfError extends BatonError {
  constructor(reason: string) {
    super('CSRF_REJECTED', 403, `request refused: ${reason} / 请求被拒绝：跨站请求校验失败`, {
      header: 'x-csrf-token',
    });
  }
}

/** Too many attempts; `retryAfterSeconds` is also sent as Retry-After. */
export class RateLimitedError extends BatonError {
  constructor(
    what: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      'RATE_LIMITED',
      429,
      `too many ${what}; try again in ${retryAfterSeconds} s / 请求过于频繁，请 ${retryAfterSeconds} 秒后再试`,
      { retryAfterSeconds },
    );
  }
}

/** Platform administrators only. */
export class AdminRequiredError extends BatonError {
  constructor(action: string) {
    super(
      'FORBIDDEN',
      403,
      `only platform administrators may ${action} / 仅平台管理员可执行此操作`,
      {
        action,
      },
    );
  }
}

/** A token limited to one space used elsewhere. */
export class TokenScopeError extends BatonError {
  constructor(spaceKey: string) {
    super(
      'TOKEN_SCOPE',
      403,
      `this API token is limited to the space "${spaceKey}" / 此 API 令牌仅限空间「${spaceKey}」使用`,
      { space: spaceKey },
    );
  }
}
