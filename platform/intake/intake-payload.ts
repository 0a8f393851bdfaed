// Turns a delivery's raw body into the `payload` map the source's mappings read.
import { PayloadInvalidError } from './intake-errors';
import { findProblem } from '../../runtime/json-problems';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The payload of a delivery: a JSON object, or a form (`application/x-www-form-urlencoded`, as many
 * SMS gateways post) whose repeated keys become lists. Anything else is a 400.
 * @example parsePayload(Buffer.from('{"mobile":"13800138000"}'), 'application/json') // { mobile: '13800138000' }
 */
export function parsePayload(
  body: Uint8Array,
  contentType: string | undefined,
): Record<string, unknown> {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new PayloadInvalidError('the body is not valid UTF-8');
  }
  if (/^application\/x-www-form-urlencoded\b/i.test(contentType ?? '')) {
    const payload: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      if (key === '__proto__')
        throw new PayloadInvalidError('the field name "__proto__" is not accepted');
      const previous = payload[key];
      if (previous === undefined) payload[key] = value;
      else
        payload[key] = Array.isArray(previous)
          ? [...(previous as string[]), value]
          : [previous, value];
    }
    const problem = findProblem(payload);
    if (problem) throw new PayloadInvalidError(problem.message);
    return payload;
  }
  if (text.trim() === '') throw new PayloadInvalidError('the body is empty; send a JSON object');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PayloadInvalidError(`the body is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PayloadInvalidError('the body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}
