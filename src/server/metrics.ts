// Request counters and latency sums in the Prometheus text format (a handful of series; no client library needed).
export class Metrics {
  private readonly requests = new Map<string, number>();
  private readonly seconds = new Map<string, number>();
  private readonly started = Date.now();

  observe(method: string, route: string, status: number, secs: number): void {
    const k = `method="${method}",route="${route.replaceAll('"', '')}",status="${status}"`;
    this.requests.set(k, (this.requests.get(k) ?? 0) + 1);
    const r = `method="${method}",route="${route.replaceAll('"', '')}"`;
    this.seconds.set(r, (this.seconds.get(r) ?? 0) + secs);
  }

  render(gauges: Record<string, number>): string {
    const lines = [
      '# HELP mosaic_http_requests_total HTTP requests answered, by route and status.',
      '# TYPE mosaic_http_requests_total counter',
      ...[...this.requests].map(([k, v]) => `mosaic_http_requests_total{${k}} ${v}`),
      '# HELP mosaic_http_request_seconds_sum Time spent answering, by route.',
      '# TYPE mosaic_http_request_seconds_sum counter',
      ...[...this.seconds].map(([k, v]) => `mosaic_http_request_seconds_sum{${k}} ${v}`),
      '# HELP mosaic_uptime_seconds Seconds since the server started.',
      '# TYPE mosaic_uptime_seconds gauge',
      `mosaic_uptime_seconds ${(Date.now() - this.started) / 1000}`,
    ];
    for (const [name, v] of Object.entries(gauges)) lines.push(`# TYPE ${name} gauge`, `${name} ${v}`);
    return lines.join('\n') + '\n';
  }
}
