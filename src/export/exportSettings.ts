/** Where and how often the collector side exports; everything off by default. */
export interface ExportSettings {
  /** Send metrics and stall events over OTLP/HTTP to the endpoint the standard OTEL_EXPORTER_OTLP_* variables name. */
  otlp: boolean;
  /** Serve a Prometheus scrape endpoint at http://HOST:PORT/metrics. */
  prometheus: PrometheusAddress | undefined;
  /** OTLP export interval, and the window loop figures are aggregated over (ms). */
  intervalMs: number;
}

/** Address of the Prometheus endpoint. */
export interface PrometheusAddress {
  host: string;
  port: number;
}

/** A setting that cannot be used; the message says what to fix. */
export class ExportSettingError extends Error {}

/** Default export interval: the loop figures of the last 10 s. */
export const DEFAULT_EXPORT_INTERVAL_MS = 10_000;

/** Parses `PORT` or `HOST:PORT` (loopback unless a host is given). */
export function parsePrometheusAddress(value: string | undefined, what = '--prometheus'): PrometheusAddress {
  const text = (value ?? '').trim();
  const m = /^(?:(.+):)?(\d{1,5})$/.exec(text);
  const port = m ? Number(m[2]) : NaN;
  if (!m || port < 1 || port > 65535) throw new ExportSettingError(`${what} needs PORT or HOST:PORT (e.g. 9464 or 0.0.0.0:9464), got "${text}"`);
  const host = m[1]?.replace(/^\[(.*)\]$/, '$1') ?? '127.0.0.1';
  return { host, port };
}

/**
 * The settings the environment asks for: `LOOPSCOPE_OTLP=1`, `LOOPSCOPE_PROMETHEUS=[HOST:]PORT`,
 * and the standard `OTEL_METRIC_EXPORT_INTERVAL` (ms). Loopscope's own switches are not the
 * standard OTEL_METRICS_EXPORTER, because the recorded program inherits the environment and
 * may use that one for its own SDK (two servers on one Prometheus port).
 */
export function exportSettingsFromEnv(env: Record<string, string | undefined>): ExportSettings {
  const flag = (env.LOOPSCOPE_OTLP ?? '').trim().toLowerCase();
  if (flag && !['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'].includes(flag)) {
    throw new ExportSettingError(`LOOPSCOPE_OTLP must be 1 or 0, got "${env.LOOPSCOPE_OTLP}"`);
  }
  const interval = env.OTEL_METRIC_EXPORT_INTERVAL?.trim();
  const intervalMs = interval ? Number(interval) : DEFAULT_EXPORT_INTERVAL_MS;
  if (!Number.isFinite(intervalMs) || intervalMs < 100) {
    throw new ExportSettingError(`OTEL_METRIC_EXPORT_INTERVAL must be a number of milliseconds ≥ 100, got "${interval}"`);
  }
  return {
    otlp: ['1', 'true', 'yes', 'on'].includes(flag),
    prometheus: env.LOOPSCOPE_PROMETHEUS?.trim() ? parsePrometheusAddress(env.LOOPSCOPE_PROMETHEUS, 'LOOPSCOPE_PROMETHEUS') : undefined,
    intervalMs,
  };
}

/** True when anything is to be exported. */
export function exportEnabled(settings: ExportSettings): boolean {
  return settings.otlp || settings.prometheus !== undefined;
}
