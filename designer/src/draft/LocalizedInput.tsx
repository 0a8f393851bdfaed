// Edits a zh-CN / en pair side by side: labels people read ship in both languages.
import type { LocalizedText } from '../../../runtime/localized-text';

export function LocalizedInput({
  value,
  onChange,
  testId,
}: {
  readonly value: LocalizedText | undefined;
  readonly onChange: (value: LocalizedText) => void;
  readonly testId?: string;
}) {
  const current = value ?? { 'zh-CN': '', en: '' };
  return (
    <span className="localized">
      <input
        aria-label="中文"
        placeholder="中文"
        value={current['zh-CN']}
        data-testid={testId ? `${testId}-zh` : undefined}
        onChange={(e) => onChange({ ...current, 'zh-CN': e.target.value })}
      />
      <input
        aria-label="English"
        placeholder="English"
        value={current.en}
        data-testid={testId ? `${testId}-en` : undefined}
        onChange={(e) => onChange({ ...current, en: e.target.value })}
      />
    </span>
  );
}
