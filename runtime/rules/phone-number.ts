// Phone numbers to E.164 with libphonenumber-js (its small "min" metadata: pure JS, ~80 kB).
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/min';
import type { CountryCode } from 'libphonenumber-js/min';
import { toHalfWidth } from '../cel/text-match';

export type PhoneResult =
  | { readonly ok: true; readonly e164: string }
  | { readonly ok: false; readonly reason: 'empty' | 'unparseable' };

/** The region numbers typed without a country code belong to, unless a rule says otherwise. */
export const DEFAULT_PHONE_REGION = 'CN';

/** Whether libphonenumber-js knows the region (ISO 3166 alpha-2). */
export function isPhoneRegion(region: string): boolean {
  return isSupportedCountry(region);
}

/**
 * Parses a phone number as typed (spaces, dashes, full-width digits, 0086/+86 prefixes) into
 * E.164. Numbers without a country code are read in `defaultRegion`; numbers that do not parse or
 * cannot be valid there come back as not ok, so the caller can keep what was typed.
 * @example normalizePhone('138 0013 8000') // { ok: true, e164: '+8613800138000' }
 * @example normalizePhone('021-6123-4567') // { ok: true, e164: '+862161234567' }
 */
export function normalizePhone(
  text: string,
  defaultRegion: string = DEFAULT_PHONE_REGION,
): PhoneResult {
  const typed = toHalfWidth(text).trim();
  if (typed === '') return { ok: false, reason: 'empty' };
  const region = isSupportedCountry(defaultRegion)
    ? (defaultRegion as CountryCode)
    : DEFAULT_PHONE_REGION;
  const parsed = parsePhoneNumberFromString(typed, region);
  if (!parsed || !parsed.isValid()) return { ok: false, reason: 'unparseable' };
  return { ok: true, e164: parsed.number };
}
