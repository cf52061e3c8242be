import type { Span } from '@opentelemetry/api';

import { GEN_AI_OPERATION_NAME_VALUE_CHAT } from '../../semconv.js';
import { setUsageAttributes } from '../common/span.js';
import type {
  OperationCall,
  OperationDefinition,
  StreamAccumulator,
} from './internal-types.js';
import { responsesRequestAttributes } from './request-attributes.js';
import {
  responseFinishReasons,
  setResponseAttributes,
} from './response-attributes.js';
import { countWebSearches, readResponsesUsage } from './usage.js';
import { isRecord, type UnknownRecord } from './values.js';

/**
 * `responses.create`, streamed or not. The GenAI conventions name its
 * operation `chat`, like chat completions.
 */
export const responses: OperationDefinition = {
  operationName: GEN_AI_OPERATION_NAME_VALUE_CHAT,
  start: startResponse,
};

function startResponse(params: UnknownRecord): OperationCall {
  const call: OperationCall = {
    params,
    attributes: responsesRequestAttributes(params),
    recordResponse,
  };
  if (params.stream === true) {
    call.startStream = () => new ResponseStreamAccumulator();
  }
  return call;
}

/** Writes the attributes of a Responses API `response` object. */
function recordResponse(span: Span, response: unknown): void {
  if (!isRecord(response)) {
    return;
  }

  setResponseAttributes(span, {
    id: response.id,
    model: response.model,
    serviceTier: response.service_tier,
    finishReasons: responseFinishReasons(response),
  });
  const usage = readResponsesUsage(response.usage);
  if (usage !== undefined) {
    setUsageAttributes(span, {
      ...usage,
      webSearchCalls: countWebSearches(response.output),
    });
  }
}

/**
 * Keeps the last `response` snapshot of a Responses API event stream. The
 * `response.created` and `response.in_progress` events carry one without
 * usage, and the final `response.completed`, `response.incomplete` or
 * `response.failed` event carries the finished response with its usage.
 *
 * NOTE: a stream that stops before its final event leaves the span without
 * usage, because the usage of Responses API calls is not estimated.
 */
class ResponseStreamAccumulator implements StreamAccumulator {
  private response: UnknownRecord | undefined;

  add(event: unknown): void {
    if (isRecord(event) && isRecord(event.response)) {
      this.response = event.response;
    }
  }

  finish(span: Span): undefined {
    if (this.response !== undefined) {
      recordResponse(span, this.response);
    }
    return undefined;
  }
}
