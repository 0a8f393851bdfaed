// The toolbar button every designer section opens its publish dialog with.
import { useTr } from '../shell/locale-context';

/** `Publish…`, the toolbar's primary action; `onOpen` shows the PublishDialog. */
export function PublishButton({ onOpen }: { readonly onOpen: () => void }) {
  const { tr } = useTr();
  return (
    <button type="button" className="primary" onClick={onOpen} data-testid="open-publish">
      {tr({ 'zh-CN': '发布…', en: 'Publish…' })}
    </button>
  );
}
