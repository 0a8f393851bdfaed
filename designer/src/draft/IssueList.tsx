// Every validation problem of the draft, each with its JSON pointer; clicking one selects its target.
import type { DefinitionIssue } from '../api/admin';
import { useTr } from '../shell/locale-context';

export function IssueList({
  issues,
  onSelect,
}: {
  readonly issues: readonly DefinitionIssue[];
  readonly onSelect?: (pointer: string) => void;
}) {
  const { tr } = useTr();
  if (issues.length === 0) return null;
  return (
    <ul className="issues" data-testid="issues">
      {issues.map((i, n) => (
        <li key={`${i.pointer}-${n}`}>
          <button type="button" className="link" onClick={() => onSelect?.(i.pointer)}>
            <code>{i.pointer || '/'}</code>
          </button>{' '}
          <span className="code">{i.code}</span> {tr(i.message)}
        </li>
      ))}
    </ul>
  );
}
