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

/** How long a shutdown waits for the last export and the queued stall events. */
const SHUTDOWN_MS = 5_000;

/** A running OTLP export; `shutdown` sends what is pending (a last metric export, queued stall events) and stops. */
export interface OtlpExport {
  /** One line for the command's start-up message. */
  destination: string;
  /** Resolves true when everything was delivered or refused, false when it gave up waiting. */
  shutdown(): Promise<boolean>;
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
      // An endpoint that is down makes the exporters retry for up to OTEL_EXPORTER_OTLP_TIMEOUT;
      // the recorder must still exit promptly, saying what was not delivered.
      let timer: NodeJS.Timeout | undefined;
      const done = Promise.allSettled([meters.shutdown(), logs.shutdown()]).then(() => true);
      const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), SHUTDOWN_MS)));
      const finished = await Promise.race([done, late]);
      clearTimeout(timer);
      if (!finished) warn(`OTLP export did not finish within ${SHUTDOWN_MS / 1000} s (is ${otlpEndpoint('METRICS', 'metrics')} reachable?); the last data may not have arrived`);
      return finished;
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
    const detail = args.map(describe).join(' ');
    warn(`OpenTelemetry ${level}: ${describe(message)}${detail ? ` ${detail}` : ''}${n === 3 ? ' (further ones not shown)' : ''}`);
  };
  const quiet = () => {};
  const logger: DiagLogger = { error: say('error'), warn: say('warning'), info: quiet, debug: quiet, verbose: quiet };
  diag.setLogger(logger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
}

/** An SDK diagnostic argument in a line: an error (or error-like object) by its message. */
function describe(value: unknown): string {
  // The SDK's global error handler hands over errors flattened to JSON.
  if (typeof value === 'string' && value.startsWith('{"')) {
    try {
      value = JSON.parse(value);
    } catch {
      return value as string;
    }
  }
  if (typeof value === 'string') return value;
  const message = (value as { message?: unknown } | null)?.message;
  if (typeof message === 'string') return message;
  return safeJson(value);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value)?.slice(0, 300) ?? String(value);
  } catch {
    return String(value);
  }
}
