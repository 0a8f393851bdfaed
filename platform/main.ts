// `npm start`: runs Baton until Ctrl-C / SIGTERM, then stops every process it started.
import { ConfigError, loadConfig } from './config';
import { createLogger } from './logger';
import { startBaton } from './start-baton';
import { ensureDesignerBuild } from './tools/ensure-designer-build';

async function main(): Promise<unknown> {
  let config;
  try {
    config = loadConfig(process.env, process.argv.slice(2));
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`baton: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config.logLevel, { service: 'baton', role: config.role });
  if (config.role !== 'worker') await ensureDesignerBuild(config.designerDist, logger);

  // Signals are handled from the first moment, so Ctrl-C during start-up still stops what started.
  let stopRequested: string | undefined;
  const running: { stop?: () => Promise<void> } = {};
  const shutdown = (signal: string) => {
    if (stopRequested) {
      logger.warn('second signal: exiting now', { signal });
      process.exit(1);
    }
    stopRequested = signal;
    logger.info('stopping', { signal });
    if (running.stop) void finish(running.stop);
  };
  const finish = (stopAll: () => Promise<void>) =>
    stopAll().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('stop failed', { error });
        process.exit(1);
      },
    );
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => shutdown(signal));
  }

  const baton = await startBaton(config, logger);
  running.stop = baton.stop;
  if (stopRequested) return finish(baton.stop);

  logger.info('ready', {
    url: baton.url,
    temporalUi: baton.temporalUiUrl,
    startedInMs: baton.startedInMs,
  });
  const seconds = (baton.startedInMs / 1000).toFixed(1);
  const lines = [
    baton.url
      ? `Baton is ready at ${baton.url} (started in ${seconds} s)`
      : `Baton worker is ready (started in ${seconds} s)`,
    ...(baton.temporalUiUrl ? [`Temporal UI: ${baton.temporalUiUrl}`] : []),
    ...(baton.templateSpace ? [templateLine(baton.templateSpace, baton.url)] : []),
    // Shown this once, on stdout only (never logged); set BATON_ADMIN_PASSWORD to choose it.
    ...(baton.generatedAdmin
      ? [
          `First admin: ${baton.generatedAdmin.email} / password: ${baton.generatedAdmin.password}`,
          '(shown once; change it after signing in / 仅显示一次，请登录后修改)',
        ]
      : []),
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

function templateLine(
  space: { key: string; template: string; demoLeads?: number },
  url: string | undefined,
): string {
  const demo =
    space.demoLeads === undefined
      ? ''
      : space.demoLeads > 0
        ? ` with ${space.demoLeads} demo leads`
        : ' (demo data already there)';
  const where = url ? `: ${url}/#/rep/${space.key}` : '';
  return `Space "${space.key}" installed from ${space.template}${demo}${where}`;
}

main().catch((error: unknown) => {
  const detail =
    error instanceof Error
      ? (error.stack ?? error.message)
      : (JSON.stringify(error) ?? String(error));
  process.stderr.write(`baton: failed to start: ${detail}\n`);
  process.exit(1);
});
