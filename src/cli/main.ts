/** The `loopscope` command: `record` a program, `view` a recording. */
import path from 'node:path';
import { runRecord } from './recordCommand';
import { UsageError } from './recordArgs';

const USAGE = `usage:
  loopscope record [-o FILE] [--stall-threshold MS] [--fail-on-stall MS] [--promises] [--max-events N] [--max-age S] -- COMMAND [ARGS…]
  loopscope view FILE [--port N] [--open]`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'record':
      return runRecord(rest, path.join(__dirname, 'agent.js'));
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
    process.stderr.write(`loopscope: ${error instanceof UsageError ? error.message : error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
