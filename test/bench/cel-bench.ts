// Evaluations per second of typical scorecard conditions on one core: through Baton's compiled
// evaluate (what computeScore calls), and through cel-js alone with a prepared activation.
// Run: node --import tsx test/bench/cel-bench.ts   (SECONDS=5 for longer runs). A script, not a test.
import { compileCel } from '../../runtime/cel/compile-cel';
import { environmentFor } from '../../runtime/cel/cel-environment';
import { compileRulesOrThrow } from '../../runtime/rules/compile-rules';
import { computeScore } from '../../runtime/rules/scorecard';
import { b1Definition, b1Table } from '../../runtime/rules/test-rules';

const seconds = Number(process.env.SECONDS ?? 2);
const now = new Date('2025-03-03T02:00:00Z');
const record = { company: '苏州精工自动化', score: 8, score_band: 'yellow' };

/** Runs `fn` in batches until `seconds` have passed (after a warm-up) and answers calls per second. */
function measure(name: string, fn: () => unknown): number {
  const batch = 10_000;
  for (let i = 0; i < 50_000; i++) fn();
  let calls = 0;
  let sink = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < batch; i++) if (fn()) sink++;
    calls += batch;
  }
  const perSecond = calls / ((performance.now() - started) / 1000);
  console.log(
    `${name.padEnd(58)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} /s  ${(1e9 / perSecond).toFixed(0).padStart(6)} ns${sink < 0 ? '' : ''}`,
  );
  return perSecond;
}

const card = compileRulesOrThrow(b1Definition()).forTable('lead').scorecards[0]!;
const dwell = card.eventRules.get('page_dwell')![0]!.where!;
const budget = card.eventRules.get('email_reply')![0]!.where!;
const dwellPayload = { page: 'product', seconds: 240 };
const budgetPayload = { text: '您好，我们的预算已经批下来了，时间表下周给您' };

console.log(`CEL on one core (Node ${process.version}), ${seconds} s per case`);
const results = {
  dwell: measure(`scorecard where: ${dwell.source}`, () => {
    const r = dwell.evaluate({ record, now, payload: dwellPayload });
    return r.ok && r.value === true;
  }),
  budget: measure(`scorecard where: ${budget.source}`, () => {
    const r = budget.evaluate({ record, now, payload: budgetPayload });
    return r.ok && r.value === true;
  }),
};

// A field condition over `record` (no payload conversion).
const fields = [
  ...b1Table.fields,
  { key: 'province', type: 'text', label: { 'zh-CN': '省份', en: 'Province' } } as const,
];
const fieldRule = compileCel(
  'record.score >= 6.0 && record.province == "江苏"',
  { record: fields },
  {
    expect: 'bool',
  },
);
if (!fieldRule.ok) throw new Error(JSON.stringify(fieldRule.issues));
const fieldRecord = { ...record, province: '江苏' };
measure(`field condition: ${fieldRule.value.source}`, () => {
  const r = fieldRule.value.evaluate({ record: fieldRecord, now });
  return r.ok && r.value === true;
});

// cel-js alone: the same condition with the activation built once (the interpreter's ceiling).
const { env } = environmentFor({
  record: b1Table.fields,
  variables: { payload: 'map<string, dyn>' },
});
const program = env.parse('payload.page == "product" && payload.seconds >= 180.0');
const activation = { payload: new Map<string, unknown>(Object.entries(dwellPayload)) };
const raw = measure(
  'cel-js program(activation), activation prepared once',
  () => program(activation) === true,
);

// A whole B1 score over five behaviour events (each event rule's condition evaluated).
const events = [
  { type: 'download', at: '2025-03-01T02:00:00Z', payload: { asset: 'whitepaper' } },
  { type: 'demo_booked', at: '2025-03-01T03:00:00Z', payload: {} },
  { type: 'email_reply', at: '2025-03-02T02:00:00Z', payload: budgetPayload },
  { type: 'wechat_message', at: '2025-03-02T03:00:00Z', payload: { topic: 'tech_params' } },
  { type: 'page_dwell', at: '2025-03-02T04:00:00Z', payload: dwellPayload },
];
const scores = measure(
  'computeScore(B1 card, 5 events)',
  () => computeScore(card, record, events, now).score > 0,
);

console.log(
  `\ntarget 1,000,000 evaluations/s: scorecard condition ${results.dwell >= 1e6 ? 'meets' : 'misses'} it ` +
    `(${(results.dwell / 1e6).toFixed(2)} M/s through Baton, ${(raw / 1e6).toFixed(2)} M/s in cel-js alone); ` +
    `${Math.round(scores * 5).toLocaleString('en-US')} event conditions/s inside computeScore`,
);
