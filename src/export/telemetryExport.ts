import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { defaultResource, detectResources, envDetector, hostDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { ExportSettings } from './exportSettings';
import { gaugesDelta, registerInstruments } from './otelInstruments';
import { stallLogRecord } from './stallEvent';
import type { StoreMetrics } from './storeMetrics';

/** A running OTLP export; `shutdown` sends what is pending (a last metric export, queued stall events) and stops. */
export interface OtlpExport {
  /** One line for the command's start-up message. */
  destination: string;
  shutdown(): Promise<void>;
}

/** The collector's resource: service.name "loopscope" and host.name, overridden by OTEL_SERVICE_NAME / OTEL_RESOURCE_ATTRIBUTES. */
async function collectorResource(): Promise<Resource> {
  const resource = defaultResource()
    .merge(resourceFromAttributes({ 'service.name': 'loopscope' }))
    .merge(detectResources({ detectors: [hostDetector, envDetector] }));
  // Some detectors answer asynchronously; the exporters must not read the resource before.
  await resource.waitForAsyncAttributes?.();
  return resource;
}

/**
 * The OTLP metric exporter with gauges in delta temporality (see `gaugesDelta`); counters keep the
 * exporter's own choice (cumulative unless OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says delta).
 */
function metricExporter(): PushMetricExporter {
  const exporter = new OTLPMetricExporter();
  return {
    export: (metrics, done) => exporter.export(metrics, done),
    forceFlush: () => exporter.forceFlush(),
    shutdown: () => exporter.shutdown(),
    selectAggregationTemporality: gaugesDelta((type) => exporter.selectAggregationTemporality(type)),
  };
}

/**
 * Starts exporting `metrics` over OTLP/HTTP from the collector's process: the metrics every
 * interval, each stall as a log record. The exporters read the standard OTEL_EXPORTER_OTLP_*
 * variables (endpoint, per-signal endpoint, headers, timeout) themselves.
 */
export async function startOtlpExport(metrics: StoreMetrics, settings: ExportSettings, warn: (message: string) => void): Promise<OtlpExport> {
  routeSdkDiagnostics(warn);
  const resource = await collectorResource();
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter(),
    exportIntervalMillis: settings.intervalMs,
    exportTimeoutMillis: Math.min(settings.intervalMs, 30_000),
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  registerInstruments(meters.getMeter('loopscope'), metrics);
  const logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] });
  const logger = logs.getLogger('loopscope');
  let open = true;
  metrics.onStall((stall, thread) => {
    if (open) logger.emit(stallLogRecord(stall, thread.attributes));
  });
  return {
    destination: `OTLP/HTTP metrics to ${otlpEndpoint('METRICS', 'metrics')} every ${settings.intervalMs / 1000} s, stall events to ${otlpEndpoint('LOGS', 'logs')}`,
    async shutdown() {
      open = false;
      await Promise.allSettled([meters.shutdown(), logs.shutdown()]);
    },
  };
}

/** Where the OTLP/HTTP exporter sends a signal, by the same rules it applies to the OTEL_EXPORTER_OTLP_* variables (for messages only). */
function otlpEndpoint(signal: 'METRICS' | 'LOGS', path: string): string {
  const specific = process.env[`OTEL_EXPORTER_OTLP_${signal}_ENDPOINT`]?.trim();
  if (specific) return specific;
  const base = process.env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || 'http://localhost:4318';
  return `${base.replace(/\/+$/, '')}/v1/${path}`;
}

/** The SDK reports export failures through its diag logger; pass warnings on, a few of each kind, never a flood. */
function routeSdkDiagnostics(warn: (message: string) => void): void {
  const seen = new Map<string, number>();
  const say = (level: string) => (message: string, ...args: unknown[]) => {
    const key = message.slice(0, 60);
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    if (n > 3) return;
    const detail = args.map((a) => (a instanceof Error ? a.message : typeof a === 'string' ? a : safeJson(a))).join(' ');
    warn(`OpenTelemetry ${level}: ${message}${detail ? ` ${detail}` : ''}${n === 3 ? ' (further ones not shown)' : ''}`);
  };
  const quiet = () => {};
  const logger: DiagLogger = { error: say('error'), warn: say('warning'), info: quiet, debug: quiet, verbose: quiet };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}
