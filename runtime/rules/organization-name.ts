// Organisation names as stored (cleaned) and as compared (also without legal-form suffixes).
import { normalizeOrg } from '../cel/text-match';

/**
 * Removes trailing legal-form suffixes, longest first and repeatedly, ignoring case and width, so
 * "华东医疗器械（集团）股份有限公司" loses both. A name is never stripped to nothing.
 * @example stripOrgSuffixes('华东医疗(集团)股份有限公司', ['有限公司', '股份有限公司', '(集团)']) // '华东医疗'
 */
export function stripOrgSuffixes(name: string, suffixes: readonly string[]): string {
  const folded = [...new Set(suffixes.map((s) => normalizeOrg(s).toLowerCase()))]
    .filter((s) => s !== '')
    .sort((a, b) => b.length - a.length);
  let out = normalizeOrg(name);
  for (let changed = true; changed;) {
    changed = false;
    for (const suffix of folded) {
      if (out.length > suffix.length && out.slice(-suffix.length).toLowerCase() === suffix) {
        out = out.slice(0, -suffix.length).trimEnd();
        changed = true;
        break;
      }
    }
  }
  return out;
}

/**
 * The form two organisation names are compared in: cleaned, suffixes stripped, lower case.
 * @example orgMatchForm(' 北京协和医院有限公司 ', ['有限公司']) // '北京协和医院'
 */
export function orgMatchForm(name: string, suffixes: readonly string[]): string {
  return stripOrgSuffixes(name, suffixes).toLowerCase();
}
