import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** An OTLP attribute value in the OTLP/JSON encoding. */
interface AnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: AnyValue[] };
}
type KeyValues = { key: string; value: AnyValue }[] | undefined;

/** A metric data point as received, flattened with its metric's name and resource. */
export interface ReceivedPoint {
  name: string;
  unit: string;
  value: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

/** A log record as received. */
export interface ReceivedLog {
  eventName: string | undefined;
  timeUnixNano: string;
  body: unknown;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

function plain(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(plain);
  return undefined;
}

function attrs(list: KeyValues): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, plain(kv.value)]));
}

/**
 * A real OTLP/HTTP receiver for the OTLP/JSON encoding (what `@opentelemetry/exporter-*-otlp-http`
 * send): POST /v1/metrics and /v1/logs, decoded by the OTLP/JSON rules, answered as a collector does.
 */
export class OtlpReceiver {
  readonly points: ReceivedPoint[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly requests: { path: string; contentType: string | undefined; authorization: string | undefined }[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = http.createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** Base URL for OTEL_EXPORTER_OTLP_ENDPOINT. */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      this.requests.push({ path: req.url ?? '', contentType: req.headers['content-type'], authorization: req.headers.authorization });
      try {
        const body = JSON.parse(Buffer.concat(parts).toString('utf8'));
        if (req.url === '/v1/metrics') this.addMetrics(body);
        else if (req.url === '/v1/logs') this.addLogs(body);
        else return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    });
  }

  private addMetrics(body: { resourceMetrics?: { resource?: { attributes: KeyValues }; scopeMetrics?: { metrics?: Record<string, unknown>[] }[] }[] }): void {
    for (const rm of body.resourceMetrics ?? []) {
      const resource = attrs(rm.resource?.attributes);
      for (const sm of rm.scopeMetrics ?? []) {
        for (const m of sm.metrics ?? []) {
          const data = (m.gauge ?? m.sum) as { dataPoints?: { attributes: KeyValues; asDouble?: number; asInt?: string | number }[] } | undefined;
          for (const p of data?.dataPoints ?? []) {
            this.points.push({ name: String(m.name), unit: String(m.unit ?? ''), value: Number(p.asDouble ?? p.asInt), attributes: attrs(p.attributes), resource });
          }
        }
      }
    }
  }

  private addLogs(body: { resourceLogs?: { resource?: { attributes: KeyValues }; scopeLogs?: { logRecords?: { eventName?: string; timeUnixNano: string; body?: AnyValue; attributes: KeyValues }[] }[] }[] }): void {
    for (const rl of body.resourceLogs ?? []) {
      const resource = attrs(rl.resource?.attributes);
      for (const sl of rl.scopeLogs ?? []) {
        for (const r of sl.logRecords ?? []) {
          this.logs.push({ eventName: r.eventName, timeUnixNano: String(r.timeUnixNano), body: plain(r.body), attributes: attrs(r.attributes), resource });
        }
      }
    }
  }
}
