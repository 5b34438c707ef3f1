import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPORT_INTERVAL_MS, exportEnabled, exportSettingsFromEnv, parsePrometheusAddress } from './exportSettings';
import { resolveExportSettings } from './startIfEnabled';

describe('export settings', () => {
  it('parses PORT (loopback) and HOST:PORT', () => {
    expect(parsePrometheusAddress('9464')).toEqual({ host: '127.0.0.1', port: 9464 });
    expect(parsePrometheusAddress('0.0.0.0:9464')).toEqual({ host: '0.0.0.0', port: 9464 });
    expect(parsePrometheusAddress('[::1]:9464')).toEqual({ host: '::1', port: 9464 });
    for (const bad of [undefined, '', 'x', '0', '70000', 'host:']) expect(() => parsePrometheusAddress(bad)).toThrow(/--prometheus needs PORT or HOST:PORT/);
  });

  it('is off unless asked, and reads LOOPSCOPE_OTLP, LOOPSCOPE_PROMETHEUS and OTEL_METRIC_EXPORT_INTERVAL', () => {
    const none = exportSettingsFromEnv({});
    expect(none).toEqual({ otlp: false, prometheus: undefined, intervalMs: DEFAULT_EXPORT_INTERVAL_MS });
    expect(exportEnabled(none)).toBe(false);
    // The standard OTEL_METRICS_EXPORTER belongs to the program's own SDK: it turns nothing on here.
    expect(exportEnabled(exportSettingsFromEnv({ OTEL_METRICS_EXPORTER: 'otlp,prometheus', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x' }))).toBe(false);
    expect(exportSettingsFromEnv({ LOOPSCOPE_OTLP: 'true', LOOPSCOPE_PROMETHEUS: '9464', OTEL_METRIC_EXPORT_INTERVAL: '1000' })).toEqual({
      otlp: true,
      prometheus: { host: '127.0.0.1', port: 9464 },
      intervalMs: 1000,
    });
    expect(() => exportSettingsFromEnv({ LOOPSCOPE_OTLP: 'maybe' })).toThrow(/LOOPSCOPE_OTLP must be 1 or 0/);
    expect(() => exportSettingsFromEnv({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' })).toThrow(/OTEL_METRIC_EXPORT_INTERVAL/);
    expect(() => exportSettingsFromEnv({ LOOPSCOPE_PROMETHEUS: 'x' })).toThrow(/LOOPSCOPE_PROMETHEUS needs/);
  });

  it('lets a flag win over its variable', () => {
    const s = resolveExportSettings({ prometheus: { host: '127.0.0.1', port: 1 } }, { LOOPSCOPE_PROMETHEUS: '2', LOOPSCOPE_OTLP: '1' });
    expect(s).toEqual({ otlp: true, prometheus: { host: '127.0.0.1', port: 1 }, intervalMs: DEFAULT_EXPORT_INTERVAL_MS });
  });
});
