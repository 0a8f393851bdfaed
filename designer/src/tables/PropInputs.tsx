// Small labelled inputs the property panels are made of; an emptied input removes the property.
import type { ReactNode } from 'react';

export function TextProp({
  label,
  value,
  onChange,
  testId,
  placeholder,
}: {
  readonly label: ReactNode;
  readonly value: string | undefined;
  readonly onChange: (value: string | undefined) => void;
  readonly testId?: string;
  readonly placeholder?: string;
}) {
  return (
    <label>
      {label}
      <input
        value={value ?? ''}
        placeholder={placeholder}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    </label>
  );
}

export function NumberProp({
  label,
  value,
  onChange,
  testId,
}: {
  readonly label: ReactNode;
  readonly value: number | undefined;
  readonly onChange: (value: number | undefined) => void;
  readonly testId?: string;
}) {
  return (
    <label>
      {label}
      <input
        type="number"
        value={value ?? ''}
        data-testid={testId}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    </label>
  );
}

export function CheckProp({
  label,
  value,
  onChange,
  testId,
}: {
  readonly label: ReactNode;
  readonly value: boolean | undefined;
  readonly onChange: (value: boolean | undefined) => void;
  readonly testId?: string;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={value === true}
        data-testid={testId}
        onChange={(e) => onChange(e.target.checked ? true : undefined)}
      />
      {label}
    </label>
  );
}

export function SelectProp<T extends string>({
  label,
  value,
  choices,
  onChange,
  testId,
}: {
  readonly label: ReactNode;
  readonly value: T | undefined;
  readonly choices: readonly { readonly value: T; readonly label: string }[];
  readonly onChange: (value: T) => void;
  readonly testId?: string;
}) {
  return (
    <label>
      {label}
      <select value={value} data-testid={testId} onChange={(e) => onChange(e.target.value as T)}>
        {choices.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </label>
  );
}
