import {
  DataPointType,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';

import {
  ATTR_TOKENMETER_COMPONENT,
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_SAVING_REASON,
  METRIC_TOKENMETER_COST,
  METRIC_TOKENMETER_COST_SAVED,
  METRIC_TOKENMETER_INTERACTION_CALLS,
  METRIC_TOKENMETER_INTERACTION_COST,
  METRIC_TOKENMETER_INTERACTION_TOKENS,
  METRIC_TOKENMETER_INTERACTIONS,
} from '../semconv.js';

/** A metric reader that collects only when asked, for a printed summary. */
export class SummaryReader extends MetricReader {
  protected override onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected override onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** The interaction totals of one feature. */
export interface FeatureSummary {
  feature: string;
  interactions: number;
  calls: number;
  tokens: number;
  cost: number;
}

/** Sums the interaction metrics by feature. */
export function summarizeByFeature(metrics: ResourceMetrics): FeatureSummary[] {
  const byFeature = new Map<string, FeatureSummary>();
  const entry = (feature: string): FeatureSummary => {
    let summary = byFeature.get(feature);
    if (!summary) {
      summary = { feature, interactions: 0, calls: 0, tokens: 0, cost: 0 };
      byFeature.set(feature, summary);
    }
    return summary;
  };

  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      const field = FIELDS[metric.descriptor.name];
      if (field === undefined) {
        continue;
      }
      for (const point of metric.dataPoints) {
        const feature = String(point.attributes[ATTR_TOKENMETER_FEATURE]);
        entry(feature)[field] += valueOf(metric.dataPointType, point.value);
      }
    }
  }
  return [...byFeature.values()].sort((a, b) =>
    a.feature.localeCompare(b.feature),
  );
}

const FIELDS: Record<string, keyof Omit<FeatureSummary, 'feature'>> = {
  [METRIC_TOKENMETER_INTERACTIONS]: 'interactions',
  [METRIC_TOKENMETER_INTERACTION_CALLS]: 'calls',
  [METRIC_TOKENMETER_INTERACTION_TOKENS]: 'tokens',
  [METRIC_TOKENMETER_INTERACTION_COST]: 'cost',
};

function valueOf(type: DataPointType, value: unknown): number {
  if (type === DataPointType.HISTOGRAM) {
    return (value as { sum?: number }).sum ?? 0;
  }
  return typeof value === 'number' ? value : 0;
}

/** The cost of each feature by prompt and response component. */
export type ComponentCosts = Map<string, Map<string, number>>;

/** Sums `tokenmeter.cost` by feature and component. */
export function costByComponent(metrics: ResourceMetrics): ComponentCosts {
  const result: ComponentCosts = new Map();
  forEachPoint(metrics, METRIC_TOKENMETER_COST, (attributes, value) => {
    const feature = String(attributes[ATTR_TOKENMETER_FEATURE]);
    const component = String(attributes[ATTR_TOKENMETER_COMPONENT]);
    const byComponent = result.get(feature) ?? new Map<string, number>();
    byComponent.set(component, (byComponent.get(component) ?? 0) + value);
    result.set(feature, byComponent);
  });
  return result;
}

/** Sums `tokenmeter.cost.saved` by saving reason. */
export function savingsByReason(metrics: ResourceMetrics): Map<string, number> {
  const result = new Map<string, number>();
  forEachPoint(metrics, METRIC_TOKENMETER_COST_SAVED, (attributes, value) => {
    const reason = String(attributes[ATTR_TOKENMETER_SAVING_REASON]);
    result.set(reason, (result.get(reason) ?? 0) + value);
  });
  return result;
}

function forEachPoint(
  metrics: ResourceMetrics,
  name: string,
  visit: (attributes: Record<string, unknown>, value: number) => void,
): void {
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) {
        continue;
      }
      for (const point of metric.dataPoints) {
        visit(
          point.attributes,
          typeof point.value === 'number' ? point.value : 0,
        );
      }
    }
  }
}

/** Lays out each feature's cost shares by component, largest first. */
export function formatComponents(costs: ComponentCosts): string {
  const rows = [...costs.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([feature, byComponent]) => {
      const total = [...byComponent.values()].reduce(
        (sum, cost) => sum + cost,
        0,
      );
      const shares = [...byComponent.entries()]
        .sort(([, a], [, b]) => b - a)
        .map(([component, cost]) => `${component} ${percent(cost, total)}`)
        .join(', ');
      return [feature, shares];
    });
  return layout([['feature', 'cost by component'], ...rows], 'left');
}

function percent(part: number, total: number): string {
  return total > 0 ? `${Math.round((100 * part) / total)}%` : '0%';
}

/** Lays the summaries out as a table with a total line. */
export function formatSummary(summaries: FeatureSummary[]): string {
  const header = [
    'feature',
    'interactions',
    'calls/interaction',
    'tokens/interaction',
    'cost/interaction',
    'total cost',
  ];
  const rows = summaries.map((summary) => {
    const per = (value: number): number =>
      summary.interactions === 0 ? 0 : value / summary.interactions;
    return [
      summary.feature,
      String(summary.interactions),
      per(summary.calls).toFixed(1),
      Math.round(per(summary.tokens)).toString(),
      dollars(per(summary.cost)),
      dollars(summary.cost),
    ];
  });
  const total = summaries.reduce((sum, summary) => sum + summary.cost, 0);
  const count = summaries.reduce((sum, s) => sum + s.interactions, 0);
  rows.push(['total', String(count), '', '', '', dollars(total)]);

  return layout([header, ...rows]);
}

function dollars(amount: number): string {
  return `$${amount.toFixed(6)}`;
}

/**
 * Lays rows out in columns: the first column aligned left, the others
 * aligned right for numbers, or left when `align` says so.
 */
export function layout(
  rows: string[][],
  align: 'numbers' | 'left' = 'numbers',
): string {
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) =>
          column === 0 || align === 'left'
            ? cell.padEnd(widths[column]!)
            : cell.padStart(widths[column]!),
        )
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
