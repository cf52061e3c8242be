import type { Span } from '@opentelemetry/api';

import { GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS } from '../../semconv.js';
import { setUsageAttributes } from '../common/span.js';
import type { OperationCall, OperationDefinition } from './internal-types.js';
import { embeddingsRequestAttributes } from './request-attributes.js';
import { setResponseAttributes } from './response-attributes.js';
import { readEmbeddingsUsage } from './usage.js';
import { isRecord, type UnknownRecord } from './values.js';

/** `embeddings.create`. */
export const embeddings: OperationDefinition = {
  operationName: GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  // An embedding has no output tokens, so its output limit reads as 0 and
  // a budget's output limit never applies to it.
  outputLimit: { read: () => 0 },
  start: startEmbeddings,
};

function startEmbeddings(params: UnknownRecord): OperationCall {
  return {
    params,
    attributes: embeddingsRequestAttributes(params),
    recordResponse: recordEmbeddings,
  };
}

function recordEmbeddings(span: Span, body: unknown): undefined {
  if (!isRecord(body)) {
    return;
  }

  setResponseAttributes(span, { model: body.model });
  const usage = readEmbeddingsUsage(body.usage);
  if (usage !== undefined) {
    setUsageAttributes(span, usage);
  }
}
