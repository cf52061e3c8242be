import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Configuration of `AnthropicInstrumentation`. */
export interface AnthropicInstrumentationConfig extends InstrumentationConfig {
  /**
   * How to count the output of a stream that stopped before its final
   * `message_delta` event, which carries the output count:
   *
   * - `tokenizer` counts the streamed text and thinking with the o200k_base
   *   encoding. Claude's tokenizer is not public, so the count is an
   *   approximation.
   * - `last_reported` takes the provisional output count of the
   *   `message_start` event, usually 1, as a lower bound.
   *
   * Either way the span is marked `tokenmeter.usage.estimated`, with the
   * method in `tokenmeter.usage.estimate_method`.
   *
   * Default: `tokenizer`.
   */
  stoppedStreamOutput?: 'tokenizer' | 'last_reported';
}
