import { ExportSettingError, parsePrometheusAddress, type PrometheusAddress } from '../export/exportSettings';

/** Options of `loopscope record`. */
export interface RecordArgs {
  output: string | undefined;
  stallThresholdMs: number;
  failOnStallMs: number | undefined;
  promises: boolean;
  /** Export over OTLP/HTTP (`--otlp`; see src/export). */
  otlp: boolean;
  /** Serve a Prometheus endpoint while recording (`--prometheus [HOST:]PORT`). */
  prometheus: PrometheusAddress | undefined;
  /** Store bounds (`--max-events`, `--max-age` seconds); undefined keeps the store's defaults. */
  maxEvents?: number;
  maxAgeSeconds?: number;
  command: string[];
}

/** A command line that cannot be run; the message says what to fix. */
export class UsageError extends Error {}

/** Parses `record [-o FILE] [--stall-threshold MS] [--fail-on-stall MS] [--promises] [--max-events N] [--max-age S] [--otlp] [--prometheus [HOST:]PORT] -- COMMAND [ARGS…]`. */
export function parseRecordArgs(argv: readonly string[]): RecordArgs {
  const args: RecordArgs = { output: undefined, stallThresholdMs: 50, failOnStallMs: undefined, promises: false, otlp: false, prometheus: undefined, command: [] };
  const number = (flag: string, value: string | undefined, unit = 'milliseconds') => {
    const n = Number(value);
    if (value === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} needs a positive number of ${unit}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      args.command = argv.slice(i + 1);
      break;
    }
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? argv[++i];
    if (flag === '-o' || flag === '--output') {
      args.output = value();
      if (!args.output) throw new UsageError(`${flag} needs a file name`);
    } else if (flag === '--stall-threshold') args.stallThresholdMs = number(flag, value());
    else if (flag === '--fail-on-stall') args.failOnStallMs = number(flag, value());
    else if (flag === '--promises') args.promises = true;
    else if (flag === '--otlp') args.otlp = true;
    else if (flag === '--prometheus') args.prometheus = prometheusAddress(value());
    else if (flag === '--max-events') args.maxEvents = number(flag, value(), 'dispatches');
    else if (flag === '--max-age') args.maxAgeSeconds = number(flag, value(), 'seconds');
    else if (!a.startsWith('-')) {
      args.command = argv.slice(i);
      break;
    } else throw new UsageError(`unknown option ${a}`);
  }
  if (args.command.length === 0) throw new UsageError('no command to record: loopscope record [options] -- COMMAND [ARGS…]');
  return args;
}

/** `--prometheus`'s address, its error as a usage error. */
export function prometheusAddress(value: string | undefined): PrometheusAddress {
  try {
    return parsePrometheusAddress(value);
  } catch (error) {
    throw error instanceof ExportSettingError ? new UsageError(error.message) : error;
  }
}
