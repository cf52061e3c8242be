import type { Counter, Histogram, Meter } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_TOKEN_MODALITY,
  ATTR_GEN_AI_TOKEN_TYPE,
  GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS,
  GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN,
  GEN_AI_TOKEN_TYPE_VALUE_INPUT,
  GEN_AI_TOKEN_TYPE_VALUE_OUTPUT,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
  METRIC_GEN_AI_CLIENT_TOKEN_USAGE,
} from '../semconv.js';
import type { NormalizedUsage } from '../usage/types.js';
import type { Labels } from './metrics.js';

/** The GenAI conventions' token metrics, in one version of them. */
export interface TokenMetrics {
  /** Records the tokens of one call; `labels` describe the call. */
  record(usage: NormalizedUsage, labels: Labels): void;
}

const TOKEN_BUCKETS = {
  explicitBucketBoundaries: [...GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS],
};

/**
 * `gen_ai.client.token.usage`, one histogram by token type (input or
 * output), as the conventions have defined it since v1.26.
 */
export function tokenUsageHistogram(meter: Meter): TokenMetrics {
  const histogram = meter.createHistogram(METRIC_GEN_AI_CLIENT_TOKEN_USAGE, {
    description: 'Number of input and output tokens used.',
    unit: '{token}',
    advice: TOKEN_BUCKETS,
  });

  return {
    record(usage, labels) {
      histogram.record(
        usage.inputTokens,
        labels.with(ATTR_GEN_AI_TOKEN_TYPE, GEN_AI_TOKEN_TYPE_VALUE_INPUT),
      );
      histogram.record(
        usage.outputTokens,
        labels.with(ATTR_GEN_AI_TOKEN_TYPE, GEN_AI_TOKEN_TYPE_VALUE_OUTPUT),
      );
    },
  };
}

/**
 * The newer inference token metrics: a counter per token category (input,
 * output, and the cache read, cache write and reasoning subsets of them),
 * by modality, and histograms of input and output tokens per call. Usage
 * is not broken down by modality, so it is counted as `unknown`.
 */
export function inferenceTokenMetrics(meter: Meter): TokenMetrics {
  const counter = (name: string, description: string): Counter =>
    meter.createCounter(name, { description, unit: '{token}' });
  const histogram = (name: string, description: string): Histogram =>
    meter.createHistogram(name, {
      description,
      unit: '{token}',
      advice: TOKEN_BUCKETS,
    });

  const usageCounters: [Counter, keyof NormalizedUsage][] = [
    [
      counter(
        METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS,
        'The number of input tokens used, including cached tokens.',
      ),
      'inputTokens',
    ],
    [
      counter(
        METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS,
        'The number of output tokens used, including reasoning tokens.',
      ),
      'outputTokens',
    ],
    [
      counter(
        METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS,
        'The number of input tokens read from a cache.',
      ),
      'cacheReadTokens',
    ],
    [
      counter(
        METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS,
        'The number of input tokens written to a cache.',
      ),
      'cacheWriteTokens',
    ],
    [
      counter(
        METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS,
        'The number of output tokens used for reasoning.',
      ),
      'reasoningTokens',
    ],
  ];
  const inputPerCall = histogram(
    METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS,
    'The number of input tokens used per inference operation.',
  );
  const outputPerCall = histogram(
    METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS,
    'The number of output tokens used per inference operation.',
  );

  return {
    record(usage, labels) {
      const attributes = labels.attributes;
      const byModality = labels.with(
        ATTR_GEN_AI_TOKEN_MODALITY,
        GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN,
      );
      for (const [instrument, field] of usageCounters) {
        const tokens = usage[field] as number;
        // The subset counters count only calls that had such tokens.
        if (tokens > 0 || field === 'inputTokens' || field === 'outputTokens') {
          instrument.add(tokens, byModality);
        }
      }
      inputPerCall.record(usage.inputTokens, attributes);
      outputPerCall.record(usage.outputTokens, attributes);
    },
  };
}
