import type { Attributes, Span } from '@opentelemetry/api';

import type { OutputLimit } from '../common/before-call.js';
import type { StreamEnd } from '../common/stream.js';
import type { OpenAIInstrumentationConfig } from './types.js';
import type { UnknownRecord } from './values.js';

/** One kind of SDK call that the instrumentation traces, such as chat. */
export interface OperationDefinition {
  /** The `gen_ai.operation.name` of its spans. */
  operationName: string;
  /** The request field that limits output tokens, which budgets clamp. */
  outputLimit?: OutputLimit;
  /** Reads the request of one call, before it is sent. */
  start(
    params: UnknownRecord,
    config: OpenAIInstrumentationConfig,
  ): OperationCall;
}

/** The request of one call of a patched method, and its response readers. */
export interface OperationCall {
  /** The params to send: the app's object, unless an option made a copy. */
  params: UnknownRecord;
  /** Attributes of the request, besides the ones all operations share. */
  attributes: Attributes;
  /**
   * Writes the attributes of a parsed, non-streamed response. Returns a
   * promise when it has to wait, for example for the tokenizer to load, and
   * the span ends once the promise settles.
   */
  recordResponse(span: Span, body: unknown): Promise<void> | undefined;
  /** Starts reading a streamed response. Absent for other requests. */
  startStream?: () => StreamAccumulator;
}

/** Collects response fields from a stream's items as the app reads them. */
export interface StreamAccumulator {
  add(item: unknown): void;
  /**
   * Writes the collected attributes onto the span. Returns a promise when
   * it has to wait, for example for the tokenizer to load, and the span
   * ends once the promise settles.
   */
  finish(span: Span, end: StreamEnd): Promise<void> | undefined;
}
