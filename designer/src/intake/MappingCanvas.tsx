// The mapping canvas: sample-payload fields on the left, table fields on the right, an SVG line for
// every payload field a mapping reads. Drag a payload field onto a table field (or click one, then
// the other) to connect them; each mapping's CEL (the transform) is edited beside its table field.
import { useLayoutEffect, useRef, useState } from 'react';
import type { TableDefinition } from '../../../runtime/definition/definition-schema';
import { useTr } from '../shell/locale-context';
import { readPaths } from './payloadPaths';

/** Drag payload: a sample-payload path dropped on a table field. */
const pathMime = 'application/x-baton-payload-path';

interface Line {
  readonly key: string;
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
}

export function MappingCanvas({
  paths,
  table,
  map,
  onChange,
}: {
  readonly paths: readonly string[];
  readonly table: TableDefinition;
  readonly map: Readonly<Record<string, string>>;
  readonly onChange: (map: Record<string, string>) => void;
}) {
  const { tr } = useTr();
  const box = useRef<HTMLDivElement>(null);
  const [picked, setPicked] = useState<string | null>(null);
  const [lines, setLines] = useState<Line[]>([]);

  useLayoutEffect(() => {
    const measure = () => {
      const root = box.current;
      if (!root) return;
      const origin = root.getBoundingClientRect();
      const anchor = (selector: string, side: 'left' | 'right') => {
        const el = root.querySelector<HTMLElement>(selector);
        if (!el) return null;
        const r = el.getBoundingClientRect();
        return {
          x: (side === 'right' ? r.right : r.left) - origin.left,
          y: r.top + r.height / 2 - origin.top,
        };
      };
      const next: Line[] = [];
      for (const [field, cel] of Object.entries(map)) {
        const to = anchor(`[data-field="${field}"]`, 'left');
        for (const path of readPaths(cel, paths)) {
          const from = anchor(`[data-path="${path}"]`, 'right');
          if (from && to)
            next.push({ key: `${path}->${field}`, x1: from.x, y1: from.y, x2: to.x, y2: to.y });
        }
      }
      setLines(next);
    };
    measure();
    window.addEventListener('resize', measure);
    return () => window.removeEventListener('resize', measure);
  }, [map, paths]);

  const connect = (field: string) => {
    if (!picked) return;
    onChange({ ...map, [field]: `payload.${picked}` });
    setPicked(null);
  };
  const setCel = (field: string, cel: string) => {
    const next = { ...map };
    if (cel === '') delete next[field];
    else next[field] = cel;
    onChange(next);
  };

  return (
    <div className="mapping-canvas" ref={box} data-testid="mapping-canvas">
      <svg className="mapping-lines" aria-hidden>
        {lines.map((l) => (
          <path
            key={l.key}
            data-testid={`line-${l.key}`}
            d={`M ${l.x1} ${l.y1} C ${(l.x1 + l.x2) / 2} ${l.y1}, ${(l.x1 + l.x2) / 2} ${l.y2}, ${l.x2} ${l.y2}`}
            fill="none"
            stroke="#2680c2"
            strokeWidth={2}
          />
        ))}
      </svg>
      <div className="mapping-column">
        <h4>{tr({ 'zh-CN': '样例数据字段', en: 'Sample payload fields' })}</h4>
        {paths.map((p) => (
          <button
            key={p}
            type="button"
            data-path={p}
            data-testid={`path-${p}`}
            className={picked === p ? 'picked' : ''}
            draggable
            onDragStart={(e) => e.dataTransfer.setData(pathMime, p)}
            onClick={() => setPicked(picked === p ? null : p)}
          >
            {p}
          </button>
        ))}
      </div>
      <div className="mapping-column targets">
        <h4>{tr({ 'zh-CN': '数据表字段 ← 转换（CEL）', en: 'Table fields ← transform (CEL)' })}</h4>
        {table.fields.map((f) => (
          <div
            key={f.key}
            className="mapping-target"
            data-field={f.key}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const path = e.dataTransfer.getData(pathMime);
              if (path) onChange({ ...map, [f.key]: `payload.${path}` });
            }}
          >
            <button
              type="button"
              data-testid={`target-${f.key}`}
              disabled={!picked}
              onClick={() => connect(f.key)}
            >
              {tr(f.label)} <code>{f.key}</code>
            </button>
            <input
              value={map[f.key] ?? ''}
              placeholder="payload.…"
              data-testid={`cel-${f.key}`}
              onChange={(e) => setCel(f.key, e.target.value)}
            />
          </div>
        ))}
      </div>
    </div>
  );
}
