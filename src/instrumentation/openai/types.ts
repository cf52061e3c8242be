import type { InstrumentationConfig } from '@opentelemetry/instrumentation';

/** Options of `OpenAIInstrumentation`. */
export interface OpenAIInstrumentationConfig extends InstrumentationConfig {
  /**
   * Makes OpenAI report the usage of streamed chat completions, by sending
   * `stream_options: { include_usage: true }` on a copy of the request
   * params when the app has not set `stream_options.include_usage` itself.
   * The app's params object is never changed.
   *
   * The stream then ends with one more chunk whose `choices` array is empty
   * and which carries the usage, so enable this only if the app's stream
   * handling copes with such a chunk. When this is off and the app does not
   * request usage, the span carries token counts estimated with a tokenizer
   * and marked `tokenmeter.usage.estimated`.
   *
   * @default false
   */
  includeStreamUsage?: boolean;

  /**
   * `gen_ai.provider.name` values by server host, for OpenAI-compatible
   * servers that tokenmeter does not recognize by their host, such as a
   * gateway in front of OpenAI: `{ 'llm-gateway.internal': 'openai' }`. A
   * key is a host name or a `host:port`; the `host:port` entry wins.
   *
   * Calls to hosts that are neither recognized (api.openai.com, Azure
   * OpenAI, Groq, Together, ...) nor listed are named and priced as
   * `openai`. The value `openai_compatible` leaves a host's calls unpriced.
   *
   * @default the `TOKENMETER_OPENAI_PROVIDERS` environment variable, as
   * comma-separated `host=provider` pairs, else none
   */
  providerByHost?: Readonly<Record<string, string>>;
}
