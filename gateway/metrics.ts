/**
 * A small Prometheus registry: counters and histograms with labels, rendered in the text exposition format 0.0.4.
 * Hand-written rather than prom-client: the gateway needs four metric families, the format is short and stable, and
 * it keeps a dependency (and its default collectors' timers) out of every process.
 */

type Labels = Record<string, string>;

function labelKey(labels: Labels): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}="${escapeLabel(labels[k]!)}"`)
    .join(",");
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');
}

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(12)));
}

interface Metric {
  render(): string;
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${key ? `{${key}}` : ""} ${formatNumber(value)}`);
    return lines.join("\n");
  }
}

export class Gauge implements Metric {
  constructor(
    readonly name: string,
    readonly help: string,
    private readonly read: () => number,
  ) {}
  render(): string {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`, `${this.name} ${formatNumber(this.read())}`].join("\n");
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { buckets: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly bounds: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { buckets: this.bounds.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.bounds.forEach((bound, i) => {
      if (value <= bound) entry!.buckets[i]!++;
    });
    entry.sum += value;
    entry.count++;
  }

  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.series) {
      const prefix = key ? `${key},` : "";
      this.bounds.forEach((bound, i) => {
        lines.push(`${this.name}_bucket{${prefix}le="${formatNumber(bound)}"} ${entry.buckets[i]}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${key ? `{${key}}` : ""} ${formatNumber(entry.sum)}`);
      lines.push(`${this.name}_count${key ? `{${key}}` : ""} ${entry.count}`);
    }
    return lines.join("\n");
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  register<T extends Metric>(metric: T): T {
    this.metrics.push(metric);
    return metric;
  }
  render(): string {
    return `${this.metrics.map((m) => m.render()).join("\n")}\n`;
  }
}

export const PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** The gateway's metrics: HTTP requests, GraphQL operations and errors, subgraph calls, process basics. */
export function createGatewayMetrics() {
  const registry = new MetricsRegistry();
  const startedAt = Date.now();
  return {
    registry,
    httpRequests: registry.register(new Counter("gateway_http_requests_total", "HTTP requests by route and status code")),
    httpDuration: registry.register(new Histogram("gateway_http_request_duration_seconds", "HTTP request duration by route, in seconds")),
    operations: registry.register(new Counter("gateway_graphql_operations_total", "GraphQL operations by type and outcome (ok or error)")),
    errors: registry.register(new Counter("gateway_graphql_errors_total", "GraphQL errors returned, by error code")),
    subgraphRequests: registry.register(new Counter("gateway_subgraph_requests_total", "Requests to subgraphs by subgraph and HTTP status")),
    subgraphDuration: registry.register(new Histogram("gateway_subgraph_request_duration_seconds", "Subgraph request duration, in seconds")),
    uptime: registry.register(new Gauge("gateway_uptime_seconds", "Seconds since the gateway started", () => (Date.now() - startedAt) / 1000)),
    rss: registry.register(new Gauge("process_resident_memory_bytes", "Resident memory size in bytes", () => process.memoryUsage().rss)),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
