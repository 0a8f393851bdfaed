// A report as people read it: a bilingual title, plain text, an HTML table and an .xlsx workbook.
import ExcelJS from 'exceljs';
import type { ReportDefinition } from '../../runtime/metrics/dashboard-schema';
import { escapeHtml } from '../notifications/render-template';

/** One line of a report: a widget's figure, for the team or for one rep. */
export interface ReportRow {
  /** The rep's display name; null for team figures. */
  readonly rep: string | null;
  readonly metric: { readonly 'zh-CN': string; readonly en: string };
  readonly value: number | null;
  readonly unit: string | null;
  readonly color: 'red' | 'yellow' | 'green' | null;
}

/** A record that has waited longest (team health: top-5 stalled opportunities, B6). */
export interface StalledRow {
  readonly id: string;
  readonly title: string;
  readonly stage: string | null;
  readonly idleDays: number;
}

export interface ReportContent {
  readonly title: string;
  readonly text: string;
  readonly html: string;
  readonly xlsx: Buffer;
  readonly filename: string;
}

const colorNames = {
  red: '红 red',
  yellow: '黄 yellow',
  green: '绿 green',
} as const;

/** A figure for people: shares as percentages, others with at most two decimals. */
export function formatValue(value: number | null, unit: string | null): string {
  if (value === null) return '—';
  if (unit === 'percent') return `${(value * 100).toFixed(1)}%`;
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

/**
 * Renders a report for delivery.
 * @example await renderReport(report, '2026-03-02', rows, stalled) // { title, text, html, xlsx, filename }
 */
export async function renderReport(
  report: ReportDefinition,
  day: string,
  rows: readonly ReportRow[],
  stalled: readonly StalledRow[],
): Promise<ReportContent> {
  const title = `${report.label['zh-CN']} / ${report.label.en} · ${day}`;
  const line = (r: ReportRow) =>
    `${r.rep ? `${r.rep} · ` : ''}${r.metric['zh-CN']} (${r.metric.en}): ${formatValue(r.value, r.unit)}` +
    (r.color ? ` [${colorNames[r.color]}]` : '');
  const stalledLines = stalled.map(
    (s, i) => `${i + 1}. ${s.title} · ${s.stage ?? '—'} · ${s.idleDays.toFixed(1)} 天/days`,
  );
  const text = [
    title,
    '',
    ...rows.map(line),
    ...(stalled.length > 0
      ? ['', '停滞最久的商机 Top stalled opportunities:', ...stalledLines]
      : []),
  ].join('\n');

  const cell = (v: string) => `<td>${escapeHtml(v)}</td>`;
  const html = `<!doctype html><html><body><h1>${escapeHtml(title)}</h1>
<table border="1" cellpadding="4"><thead><tr><th>销售 Rep</th><th>指标 Metric</th><th>数值 Value</th><th>状态 Status</th></tr></thead><tbody>
${rows
  .map(
    (r) =>
      `<tr>${cell(r.rep ?? '团队 Team')}${cell(`${r.metric['zh-CN']} / ${r.metric.en}`)}${cell(
        formatValue(r.value, r.unit),
      )}${cell(r.color ? colorNames[r.color] : '—')}</tr>`,
  )
  .join('\n')}
</tbody></table>
${
  stalled.length > 0
    ? `<h2>停滞最久的商机 Top stalled opportunities</h2><ol>${stalled
        .map(
          (s) =>
            `<li>${escapeHtml(s.title)} · ${escapeHtml(s.stage ?? '—')} · ${s.idleDays.toFixed(1)} 天/days</li>`,
        )
        .join('')}</ol>`
    : ''
}
</body></html>`;

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Baton';
  const sheet = workbook.addWorksheet('指标 Metrics');
  sheet.columns = [
    { header: '销售 Rep', key: 'rep', width: 18 },
    { header: '指标', key: 'zh', width: 24 },
    { header: 'Metric', key: 'en', width: 28 },
    { header: '数值 Value', key: 'value', width: 14 },
    { header: '单位 Unit', key: 'unit', width: 10 },
    { header: '状态 Status', key: 'color', width: 12 },
  ];
  for (const r of rows) {
    sheet.addRow({
      rep: r.rep ?? '团队 Team',
      zh: r.metric['zh-CN'],
      en: r.metric.en,
      value: r.value,
      unit: r.unit ?? '',
      color: r.color ?? '',
    });
  }
  if (stalled.length > 0) {
    const stalledSheet = workbook.addWorksheet('停滞 Stalled');
    stalledSheet.columns = [
      { header: '记录 Record', key: 'title', width: 30 },
      { header: '阶段 Stage', key: 'stage', width: 16 },
      { header: '停滞天数 Idle days', key: 'idle', width: 16 },
      { header: 'Id', key: 'id', width: 38 },
    ];
    for (const s of stalled) {
      stalledSheet.addRow({ title: s.title, stage: s.stage ?? '', idle: s.idleDays, id: s.id });
    }
  }
  const xlsx = Buffer.from(await workbook.xlsx.writeBuffer());
  return { title, text, html, xlsx, filename: `${report.key}-${day}.xlsx` };
}
