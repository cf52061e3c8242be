import type { Span } from '@opentelemetry/api';

import { GEN_AI_OPERATION_NAME_VALUE_CHAT } from '../../semconv.js';
import { setUsageAttributes } from '../common/span.js';
import { ChatUsageEstimator } from './chat-estimate.js';
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
import { readChatUsage } from './usage.js';
import { isRecord, type UnknownRecord } from './values.js';

/** `chat.completions.create`, streamed or not. */
export const chatCompletions: OperationDefinition = {
  operationName: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  start: startChatCompletion,
};

function startChatCompletion(
  params: UnknownRecord,
  config: OpenAIInstrumentationConfig,
): OperationCall {
  const sent = withStreamUsage(params, config);
  const call: OperationCall = {
    params: sent,
    attributes: chatRequestAttributes(sent),
    recordResponse: recordChatCompletion,
  };
  if (sent.stream === true) {
    call.startStream = prepareStream(sent);
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

function prepareStream(params: UnknownRecord): () => StreamAccumulator {
  const estimator = new ChatUsageEstimator(params);
  if (!requestsUsage(params)) {
    estimator.preload();
  }
  return () => new ChatStreamAccumulator(estimator);
}

function requestsUsage(params: UnknownRecord): boolean {
  const options = params.stream_options;
  return isRecord(options) && options.include_usage === true;
}

function recordChatCompletion(span: Span, body: unknown): void {
  if (!isRecord(body)) {
    return;
  }

  setResponseAttributes(span, {
    id: body.id,
    model: body.model,
    serviceTier: body.service_tier,
    finishReasons: chatFinishReasons(body.choices),
  });
  const usage = readChatUsage(body.usage);
  if (usage !== undefined) {
    setUsageAttributes(span, usage);
  }
}
