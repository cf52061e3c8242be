/**
 * Token counts of one model call in the GenAI semantic conventions' terms:
 * input tokens include cache reads and writes, and output tokens include
 * reasoning tokens. Every count is a finite, non-negative number.
 */
export interface NormalizedUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /**
   * Cache writes kept for an hour, part of `cacheWriteTokens`, which
   * Anthropic prices above five-minute writes; absent when not reported.
   */
  cacheWrite1hTokens?: number;
  /** Audio tokens, part of `inputTokens`; absent when not reported. */
  inputAudioTokens?: number;
  /** Audio tokens, part of `outputTokens`; absent when not reported. */
  outputAudioTokens?: number;
  /** Image tokens, part of `inputTokens`; absent when not reported. */
  inputImageTokens?: number;
  /** Image tokens, part of `outputTokens`; absent when not reported. */
  outputImageTokens?: number;
  /** Web searches the provider ran for the call, billed per search. */
  webSearchCalls?: number;
  /**
   * The service tier the provider reports it used, such as `flex`,
   * `priority` or `batch`, which selects the rates.
   */
  serviceTier?: string;
  /** True when the counts were estimated, not reported by the provider. */
  estimated: boolean;
}

/** One model call read from a span's attributes. */
export interface GenAiCall {
  /** `gen_ai.provider.name`, or the older `gen_ai.system`. */
  provider?: string;
  operation?: string;
  requestModel?: string;
  responseModel?: string;
  serverAddress?: string;
  usage: NormalizedUsage;
}

/** What reading a span's attributes found. */
export type CallReading =
  /** The span carries no GenAI usage. */
  | { kind: 'none' }
  /** The span carries GenAI usage that cannot be trusted. */
  | { kind: 'invalid'; attribute: string; reason: string }
  | { kind: 'call'; call: GenAiCall };

/** A read-only attribute map, as spans and OTLP data carry them. */
export type AttributeMap = Readonly<Record<string, unknown>>;
