import type { Span } from '@opentelemetry/api';

import { GEN_AI_OPERATION_NAME_VALUE_CHAT } from '../../semconv.js';
import {
  completionSizeAttributes,
  emptyParts,
  type CompletionParts,
} from '../common/completion-sizes.js';
import { addChatChoices } from '../common/message-parts.js';
import { setUsageAttributes } from '../common/span.js';
import { ChatStreamAccumulator } from './chat-stream.js';
import type {
  OperationCall,
  OperationDefinition,
  StreamAccumulator,
} from './internal-types.js';
import { chatRequestAttributes } from './request-attributes.js';
import {
  chatFinishReasons,
  setResponseAttributes,
} from './response-attributes.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import { chatUsageEstimator, type UsageEstimator } from './usage-estimate.js';
import { readChatUsage } from './usage.js';
import { isRecord, type UnknownRecord } from './values.js';

/** `chat.completions.create`, streamed or not. */
export const chatCompletions: OperationDefinition = {
  operationName: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  outputLimit: {
    read: (params) =>
      numberOrUndefined(params.max_completion_tokens ?? params.max_tokens),
    // The request keeps the field it used; newer models take only
    // max_completion_tokens, which every chat model accepts.
    write: (params, limit) =>
      params.max_tokens !== undefined &&
      params.max_completion_tokens === undefined
        ? { ...params, max_tokens: limit }
        : { ...params, max_completion_tokens: limit },
  },
  start: startChatCompletion,
};

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : undefined;
}

function startChatCompletion(
  params: UnknownRecord,
  config: OpenAIInstrumentationConfig,
): OperationCall {
  const sent = withStreamUsage(params, config);
  // A parsed response is read before the app can change its messages, so
  // its estimator is built only when the response lacks usage.
  const call: OperationCall = {
    params: sent,
    attributes: chatRequestAttributes(sent),
    recordResponse: (span, body) =>
      recordChatCompletion(span, body, () => chatUsageEstimator(sent)),
  };
  if (sent.stream === true) {
    call.startStream = prepareStream(sent, chatUsageEstimator(sent));
  }
  return call;
}

/**
 * Returns the params with `stream_options.include_usage` set when the
 * `includeStreamUsage` option requests it and the app has not set it. The
 * change is made on a copy, so the app's object stays as it was.
 */
function withStreamUsage(
  params: UnknownRecord,
  config: OpenAIInstrumentationConfig,
): UnknownRecord {
  const options = isRecord(params.stream_options) ? params.stream_options : {};
  if (
    config.includeStreamUsage !== true ||
    params.stream !== true ||
    options.include_usage !== undefined
  ) {
    return params;
  }
  return { ...params, stream_options: { ...options, include_usage: true } };
}

function prepareStream(
  params: UnknownRecord,
  estimator: UsageEstimator,
): () => StreamAccumulator {
  if (!requestsUsage(params)) {
    estimator.preload();
  }
  return () => new ChatStreamAccumulator(estimator);
}

function requestsUsage(params: UnknownRecord): boolean {
  const options = params.stream_options;
  return isRecord(options) && options.include_usage === true;
}

/**
 * Writes the attributes of a chat completion, with the sizes of its text
 * and tool calls. A completion without usage, as some OpenAI-compatible
 * servers send, gets usage estimated from the request and its choices.
 */
function recordChatCompletion(
  span: Span,
  body: unknown,
  estimatorOf: () => UsageEstimator,
): Promise<void> | undefined {
  if (!isRecord(body)) {
    return undefined;
  }

  setResponseAttributes(span, {
    id: body.id,
    model: body.model,
    serviceTier: body.service_tier,
    finishReasons: chatFinishReasons(body.choices),
  });
  const parts = choiceParts(body.choices);
  span.setAttributes(completionSizeAttributes(parts));
  const usage = readChatUsage(body.usage);
  if (usage !== undefined) {
    setUsageAttributes(span, usage);
    return undefined;
  }
  const texts = [...parts.text, ...parts.toolCalls].filter(
    (text): text is string => typeof text === 'string',
  );
  return estimatorOf().estimate(texts, (estimate) =>
    setUsageAttributes(span, estimate),
  );
}

function choiceParts(choices: unknown): CompletionParts {
  const parts = emptyParts();
  addChatChoices(parts, choices);
  return parts;
}
