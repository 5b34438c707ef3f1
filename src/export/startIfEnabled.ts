import type { SessionStore } from '../collector/sessionStore';
import { exportEnabled, exportSettingsFromEnv, type ExportSettings, type PrometheusAddress } from './exportSettings';
import type { RunningExport } from './telemetryExport';

/** What the command line asked for; the environment can turn the same things on. */
export interface ExportFlags {
  otlp?: boolean;
  prometheus?: PrometheusAddress;
}

/** Flags and environment together: a flag wins over its variable. */
export function resolveExportSettings(flags: ExportFlags, env: Record<string, string | undefined>): ExportSettings {
  const fromEnv = exportSettingsFromEnv(env);
  return { otlp: !!flags.otlp || fromEnv.otlp, prometheus: flags.prometheus ?? fromEnv.prometheus, intervalMs: fromEnv.intervalMs };
}

/**
 * Starts the export when flags or environment ask for it, else does nothing. The OpenTelemetry
 * SDK is loaded only then, so a plain `loopscope record` does not pay for it at start-up.
 */
export async function startExportIfEnabled(
  store: SessionStore,
  flags: ExportFlags,
  env: Record<string, string | undefined>,
  warn: (message: string) => void,
): Promise<RunningExport | undefined> {
  const settings = resolveExportSettings(flags, env);
  if (!exportEnabled(settings)) return undefined;
  const { startExport } = await import('./telemetryExport');
  return startExport(store, settings, warn);
}
