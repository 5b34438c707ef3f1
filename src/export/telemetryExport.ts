import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, detectResources, envDetector, hostDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import type { SessionStore } from '../collector/sessionStore';
import type { ExportSettings } from './exportSettings';
import { registerInstruments } from './otelInstruments';
import { stallLogRecord } from './stallEvent';
import { StoreMetrics } from './storeMetrics';

/** A running export; `shutdown` sends what is pending (a last metric export, queued stall events) and stops. */
export interface RunningExport {
  /** `http://HOST:PORT/metrics` when the Prometheus endpoint is on. */
  prometheusUrl: string | undefined;
  /** One line per destination, for the command's start-up message. */
  destinations: string[];
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
 * Starts exporting what `store` receives, from the collector's process: metrics to OTLP/HTTP
 * and/or a Prometheus endpoint, each stall as an OTLP log record. The OTLP exporters read the
 * standard OTEL_EXPORTER_OTLP_* variables (endpoint, headers, timeout) themselves.
 */
export async function startExport(store: SessionStore, settings: ExportSettings, warn: (message: string) => void): Promise<RunningExport> {
  routeSdkDiagnostics(warn);
  const resource = await collectorResource();
  const readers: MetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (settings.prometheus) {
    const { host, port } = settings.prometheus;
    // Started by us rather than by the constructor, so a port in use is an error we can report.
    prometheus = new PrometheusExporter({ host, port, preventServerStart: true });
    try {
      await prometheus.startServer();
    } catch (error) {
      throw new Error(`cannot serve Prometheus metrics on ${host}:${port}: ${(error as Error).message}`);
    }
    readers.push(prometheus);
  }
  let logs: LoggerProvider | undefined;
  if (settings.otlp) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(),
        exportIntervalMillis: settings.intervalMs,
        exportTimeoutMillis: Math.min(settings.intervalMs, 30_000),
      }),
    );
    logs = new LoggerProvider({ resource, processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter() })] });
  }
  const meters = new MeterProvider({ resource, readers });
  const logger = logs?.getLogger('loopscope');
  const metrics = new StoreMetrics(store, {
    windowMs: settings.intervalMs,
    // Long enough for an ended thread's last figures to reach the next export and a scrape.
    forgetEndedAfterMs: Math.max(60_000, 3 * settings.intervalMs),
    onStall: logger ? (stall, thread) => logger.emit(stallLogRecord(stall, thread.attributes)) : undefined,
  });
  registerInstruments(meters.getMeter('loopscope'), metrics);
  const prometheusUrl = settings.prometheus ? `http://${hostForUrl(settings.prometheus.host)}:${settings.prometheus.port}/metrics` : undefined;
  const destinations = [
    ...(settings.otlp ? [`OTLP/HTTP metrics to ${otlpEndpoint('METRICS', 'metrics')}, stall events to ${otlpEndpoint('LOGS', 'logs')}`] : []),
    ...(prometheusUrl ? [`Prometheus metrics at ${prometheusUrl}`] : []),
  ];
  return {
    prometheusUrl,
    destinations,
    async shutdown() {
      metrics.dispose();
      await Promise.allSettled([meters.shutdown(), logs?.shutdown()]);
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

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
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
