import { test } from "node:test";
import assert from "node:assert/strict";
import { Counter, Histogram, MetricsRegistry } from "./metrics.js";

test("counters and histograms render in the Prometheus text format", () => {
  const registry = new MetricsRegistry();
  const counter = registry.register(new Counter("x_total", "Things"));
  const histogram = registry.register(new Histogram("x_seconds", "Time", [0.1, 1]));
  counter.inc({ b: "2", a: 'say "hi"' });
  counter.inc({ b: "2", a: 'say "hi"' }, 2);
  histogram.observe({ route: "/graphql" }, 0.05);
  histogram.observe({ route: "/graphql" }, 0.5);
  assert.equal(
    registry.render(),
    [
      "# HELP x_total Things",
      "# TYPE x_total counter",
      'x_total{a="say \\"hi\\"",b="2"} 3',
      "# HELP x_seconds Time",
      "# TYPE x_seconds histogram",
      'x_seconds_bucket{route="/graphql",le="0.1"} 1',
      'x_seconds_bucket{route="/graphql",le="1"} 2',
      'x_seconds_bucket{route="/graphql",le="+Inf"} 2',
      'x_seconds_sum{route="/graphql"} 0.55',
      'x_seconds_count{route="/graphql"} 2',
      "",
    ].join("\n"),
  );
});
