import type { SessionStore } from '../collector/sessionStore';
import { ExportSettingError, exportEnabled, exportSettingsFromEnv, type ExportSettings, type PrometheusAddress } from './exportSettings';
import { startPrometheusEndpoint, type PrometheusEndpoint } from './prometheusEndpoint';
import { StoreMetrics } from './storeMetrics';

/** What the command line asked for; the environment can turn the same things on. */
export interface ExportFlags {
  otlp?: boolean;
  prometheus?: PrometheusAddress;
}

/** A running export; `shutdown` sends what is pending (a last OTLP export, queued stall events) and stops. */
export interface RunningExport {
  /** `http://HOST:PORT/metrics` when the Prometheus endpoint is on. */
  prometheusUrl: string | undefined;
  /** One line per destination, for the command's start-up message. */
  destinations: string[];
  /**
   * Resolves true when all was handed over; false when the OTLP endpoint did not answer in time,
   * and the SDK's retry timers may then keep the process alive for up to OTEL_EXPORTER_OTLP_TIMEOUT.
   */
  shutdown(): Promise<boolean>;
}

/** Flags and environment together: a flag wins over its variable. */
export function resolveExportSettings(flags: ExportFlags, env: Record<string, string | undefined>): ExportSettings {
  const fromEnv = exportSettingsFromEnv(env);
  return { otlp: !!flags.otlp || fromEnv.otlp, prometheus: flags.prometheus ?? fromEnv.prometheus, intervalMs: fromEnv.intervalMs };
}

/**
 * Starts the export when flags or environment ask for it, else does nothing. The OpenTelemetry
 * SDK (its own dist/export.js) is loaded only for OTLP, so a plain `loopscope record` or a
 * Prometheus-only collector does not pay for it.
 */
export async function startExportIfEnabled(
  store: SessionStore,
  flags: ExportFlags,
  env: Record<string, string | undefined>,
  warn: (message: string) => void,
): Promise<RunningExport | undefined> {
  const settings = resolveExportSettings(flags, env);
  if (!exportEnabled(settings)) return undefined;
  const metrics = new StoreMetrics(store, {
    windowMs: settings.intervalMs,
    // Long enough for an ended thread's last figures to reach the next export and a scrape.
    forgetEndedAfterMs: Math.max(60_000, 3 * settings.intervalMs),
  });
  let endpoint: PrometheusEndpoint | undefined;
  try {
    // A port in use is the user's to fix: a clear message, not a stack.
    if (settings.prometheus) endpoint = await startPrometheusEndpoint(metrics, settings.prometheus).catch((e: Error) => Promise.reject(new ExportSettingError(e.message)));
    const otlp = settings.otlp ? await (await import('./telemetryExport')).startOtlpExport(metrics, settings, warn) : undefined;
    return {
      prometheusUrl: endpoint?.url,
      destinations: [...(otlp ? [otlp.destination] : []), ...(endpoint ? [`Prometheus metrics at ${endpoint.url}`] : [])],
      async shutdown() {
        const delivered = (await otlp?.shutdown()) ?? true;
        metrics.dispose();
        await endpoint?.close();
        return delivered;
      },
    };
  } catch (error) {
    metrics.dispose();
    await endpoint?.close();
    throw error;
  }
}

/** After an export that gave up, ends the process with `code` once what is written is out, rather than waiting on the SDK's retries. */
export function exitDespiteRetries(code: number): void {
  // stdout/stderr to pipes and files are synchronous on Linux; the short delay covers a TTY.
  setTimeout(() => process.exit(code), 200).unref();
}
