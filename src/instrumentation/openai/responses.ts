import type { Span } from '@opentelemetry/api';

import { GEN_AI_OPERATION_NAME_VALUE_CHAT } from '../../semconv.js';
import { completionSizeAttributes } from '../common/completion-sizes.js';
import { setUsageAttributes } from '../common/span.js';
import type { OperationCall, OperationDefinition } from './internal-types.js';
import { responsesRequestAttributes } from './request-attributes.js';
import {
  setResponseObjectAttributes,
  setResponseObjectUsage,
} from './response-attributes.js';
import { responseOutput, responseOutputTexts } from './responses-output.js';
import { ResponseStreamAccumulator } from './responses-stream.js';
import {
  responsesUsageEstimator,
  type UsageEstimator,
} from './usage-estimate.js';
import { isRecord, readNumber, type UnknownRecord } from './values.js';

/**
 * `responses.create`, streamed or not. The GenAI conventions name its
 * operation `chat`, like chat completions.
 */
export const responses: OperationDefinition = {
  operationName: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  outputLimit: {
    read: (params) => readNumber(params.max_output_tokens),
    write: (params, limit) => ({ ...params, max_output_tokens: limit }),
  },
  start: startResponse,
};

function startResponse(params: UnknownRecord): OperationCall {
  // As for chat completions, a parsed response gets its estimator only
  // when it lacks usage, and a stream's is built before the app reads it.
  const call: OperationCall = {
    params,
    attributes: responsesRequestAttributes(params),
    recordResponse: (span, body) =>
      recordResponse(span, body, () => responsesUsageEstimator(params)),
  };
  if (params.stream === true) {
    const estimator = responsesUsageEstimator(params);
    call.startStream = () => new ResponseStreamAccumulator(estimator);
  }
  return call;
}

/**
 * Writes the attributes of a Responses API `response` object, with the
 * sizes of its messages and tool calls. A response without usage, as
 * some OpenAI-compatible servers send, gets usage estimated from the
 * request and its output.
 */
function recordResponse(
  span: Span,
  response: unknown,
  estimatorOf: () => UsageEstimator,
): Promise<void> | undefined {
  if (!isRecord(response)) {
    return undefined;
  }

  setResponseObjectAttributes(span, response);
  const output = responseOutput(response);
  span.setAttributes(completionSizeAttributes(output));
  if (setResponseObjectUsage(span, response)) {
    return undefined;
  }
  return estimatorOf().estimate(responseOutputTexts(output), (estimate) =>
    setUsageAttributes(span, estimate),
  );
}
