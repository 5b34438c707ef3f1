/** The `loopscope` command: `record` a program, `attach` to a running one, `view` a recording, `collect` from many programs headless. */
import path from 'node:path';
import { runRecord } from './recordCommand';
import { UsageError } from './recordArgs';
import { ExportSettingError } from '../export/exportSettings';

const USAGE = `usage:
  loopscope record [-o FILE] [--stall-threshold MS] [--fail-on-stall MS] [--promises] [--max-events N] [--max-age S] [--otlp] [--prometheus [HOST:]PORT] -- COMMAND [ARGS…]
  loopscope view FILE [--port N] [--open]
  loopscope collect [--port N] [--state-file F] [--stall-threshold MS] [--promises] [--otlp] [--prometheus [HOST:]PORT]
  loopscope collect --print-env [--state-file F]
  loopscope attach PID [-o FILE] [--stall-threshold MS] [--promises]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return runRecord(rest, path.join(__dirname, 'agent.js'));
    case 'collect': {
      const { runCollect } = await import('./collectCommand');
      return runCollect(rest, path.join(__dirname, 'agent.js'));
    }
    case 'attach': {
      const { runAttach } = await import('./attachCommand');
      return runAttach(rest, path.join(__dirname, 'agent.js'));
    }
    case 'view': {
      const { runView } = await import('./viewCommand');
      return runView(rest);
    }
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      process.stderr.write(`${command ? `loopscope: unknown command ${command}\n` : ''}${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof UsageError || error instanceof ExportSettingError;
    process.stderr.write(`loopscope: ${usage ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = usage ? 2 : 1;
  },
);
