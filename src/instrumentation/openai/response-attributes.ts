import type { Attributes, Span } from '@opentelemetry/api';

import {
  ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
} from '../../semconv.js';
import { setUsageAttributes } from '../common/span.js';
import { putString, putStrings } from './attributes.js';
import { countWebSearches, readResponsesUsage } from './usage.js';
import { isRecord, readString, type UnknownRecord } from './values.js';

/** The response fields that become span attributes, as received. */
export interface ResponseFields {
  id?: unknown;
  model?: unknown;
  serviceTier?: unknown;
  finishReasons?: unknown;
}

/** Writes the response attributes whose values have the expected type. */
export function setResponseAttributes(
  span: Span,
  fields: ResponseFields,
): void {
  const attributes: Attributes = {};
  putString(attributes, ATTR_GEN_AI_RESPONSE_ID, fields.id);
  putString(attributes, ATTR_GEN_AI_RESPONSE_MODEL, fields.model);
  putString(
    attributes,
    ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER,
    fields.serviceTier,
  );
  putStrings(
    attributes,
    ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
    fields.finishReasons,
  );
  span.setAttributes(attributes);
}

/** Reads the finish reason of each choice of a chat completion. */
export function chatFinishReasons(choices: unknown): string[] {
  if (!Array.isArray(choices)) {
    return [];
  }
  const reasons: string[] = [];
  for (const choice of choices) {
    const reason = isRecord(choice)
      ? readString(choice.finish_reason)
      : undefined;
    if (reason !== undefined) {
      reasons.push(reason);
    }
  }
  return reasons;
}

// Statuses of a Responses API response that has not finished yet.
const UNFINISHED_STATUSES = new Set(['queued', 'in_progress']);

/**
 * Reads why a Responses API response stopped: the reason of an incomplete
 * response, such as `max_output_tokens`, else its final status, such as
 * `completed` or `failed`. The API has no per-output finish reason.
 */
export function responseFinishReasons(response: UnknownRecord): string[] {
  const details = response.incomplete_details;
  const status = readString(response.status);
  const reason =
    (isRecord(details) ? readString(details.reason) : undefined) ??
    (UNFINISHED_STATUSES.has(status ?? '') ? undefined : status);
  return reason === undefined ? [] : [reason];
}

/**
 * Writes the id, model, service tier and finish reason of a Responses API
 * `response` object.
 */
export function setResponseObjectAttributes(
  span: Span,
  response: UnknownRecord,
): void {
  setResponseAttributes(span, {
    id: response.id,
    model: response.model,
    serviceTier: response.service_tier,
    finishReasons: responseFinishReasons(response),
  });
}

/**
 * Writes the usage that a response reports, with its web searches, and
 * returns false, writing nothing, when it reports none.
 */
export function setResponseObjectUsage(
  span: Span,
  response: UnknownRecord,
): boolean {
  const usage = readResponsesUsage(response.usage);
  if (usage === undefined) {
    return false;
  }
  setUsageAttributes(span, {
    ...usage,
    webSearchCalls: countWebSearches(response.output),
  });
  return true;
}
