import type { SessionStore } from '../collector/sessionStore';
import { exportEnabled, exportSettingsFromEnv, type ExportSettings, type PrometheusAddress } from './exportSettings';
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
  shutdown(): Promise<void>;
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
    if (settings.prometheus) endpoint = await startPrometheusEndpoint(metrics, settings.prometheus);
    const otlp = settings.otlp ? await (await import('./telemetryExport')).startOtlpExport(metrics, settings, warn) : undefined;
    return {
      prometheusUrl: endpoint?.url,
      destinations: [...(otlp ? [otlp.destination] : []), ...(endpoint ? [`Prometheus metrics at ${endpoint.url}`] : [])],
      async shutdown() {
        await otlp?.shutdown();
        metrics.dispose();
        await endpoint?.close();
      },
    };
  } catch (error) {
    metrics.dispose();
    await endpoint?.close();
    throw error;
  }
}
