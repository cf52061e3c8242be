/**
 * Every attribute, metric and value name that tokenmeter reads or writes.
 *
 * The `gen_ai.*` names follow the OpenTelemetry GenAI semantic conventions
 * (v1.41), which are still experimental: they are copied here rather than
 * imported from the `incubating` entry point of
 * `@opentelemetry/semantic-conventions`, as that package advises. Names of our
 * own live under `tokenmeter.` and are experimental until 1.0.
 *
 * This module imports nothing.
 */

// GenAI span attributes (experimental).
export const ATTR_GEN_AI_OPERATION_NAME = 'gen_ai.operation.name';
export const ATTR_GEN_AI_PROVIDER_NAME = 'gen_ai.provider.name';
/** Deprecated since semantic conventions 1.37 in favour of the provider name. */
export const ATTR_GEN_AI_SYSTEM = 'gen_ai.system';
export const ATTR_GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
export const ATTR_GEN_AI_REQUEST_MAX_TOKENS = 'gen_ai.request.max_tokens';
export const ATTR_GEN_AI_REQUEST_TEMPERATURE = 'gen_ai.request.temperature';
export const ATTR_GEN_AI_REQUEST_TOP_P = 'gen_ai.request.top_p';
export const ATTR_GEN_AI_REQUEST_STREAM = 'gen_ai.request.stream';
export const ATTR_GEN_AI_REQUEST_ENCODING_FORMATS =
  'gen_ai.request.encoding_formats';
export const ATTR_GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';
export const ATTR_GEN_AI_RESPONSE_ID = 'gen_ai.response.id';
export const ATTR_GEN_AI_RESPONSE_FINISH_REASONS =
  'gen_ai.response.finish_reasons';
export const ATTR_GEN_AI_OPENAI_REQUEST_SERVICE_TIER =
  'gen_ai.openai.request.service_tier';
export const ATTR_GEN_AI_OPENAI_RESPONSE_SERVICE_TIER =
  'gen_ai.openai.response.service_tier';
export const ATTR_GEN_AI_OUTPUT_TYPE = 'gen_ai.output.type';
export const ATTR_GEN_AI_TOKEN_TYPE = 'gen_ai.token.type';
export const ATTR_GEN_AI_REQUEST_TOP_K = 'gen_ai.request.top_k';
export const ATTR_GEN_AI_REQUEST_FREQUENCY_PENALTY =
  'gen_ai.request.frequency_penalty';
export const ATTR_GEN_AI_REQUEST_PRESENCE_PENALTY =
  'gen_ai.request.presence_penalty';
export const ATTR_GEN_AI_REQUEST_STOP_SEQUENCES =
  'gen_ai.request.stop_sequences';
export const ATTR_GEN_AI_REQUEST_SEED = 'gen_ai.request.seed';
/** The number of candidate completions requested, when it is not 1. */
export const ATTR_GEN_AI_REQUEST_CHOICE_COUNT = 'gen_ai.request.choice.count';

// GenAI usage attributes (experimental). Input tokens include cached ones.
export const ATTR_GEN_AI_USAGE_INPUT_TOKENS = 'gen_ai.usage.input_tokens';
export const ATTR_GEN_AI_USAGE_OUTPUT_TOKENS = 'gen_ai.usage.output_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
  'gen_ai.usage.cache_read.input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
  'gen_ai.usage.cache_creation.input_tokens';
/** The newer spelling of the cache creation count. */
export const ATTR_GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS =
  'gen_ai.usage.cache_write.input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
  'gen_ai.usage.reasoning.output_tokens';
/** Deprecated since semantic conventions 1.27. */
export const ATTR_GEN_AI_USAGE_PROMPT_TOKENS = 'gen_ai.usage.prompt_tokens';
/** Deprecated since semantic conventions 1.27. */
export const ATTR_GEN_AI_USAGE_COMPLETION_TOKENS =
  'gen_ai.usage.completion_tokens';

// The cost attributes of the open GenAI cost proposal (experimental).
export const ATTR_GEN_AI_USAGE_COST_AMOUNT = 'gen_ai.usage.cost.amount';
export const ATTR_GEN_AI_USAGE_COST_CURRENCY = 'gen_ai.usage.cost.currency';
export const ATTR_GEN_AI_USAGE_COST_SOURCE = 'gen_ai.usage.cost.source';
/** The cost was worked out in this process from token counts and prices. */
export const GEN_AI_USAGE_COST_SOURCE_VALUE_LOCAL = 'local';

// General attributes.
export const ATTR_ERROR_TYPE = 'error.type';
export const ATTR_SERVER_ADDRESS = 'server.address';
export const ATTR_SERVER_PORT = 'server.port';
export const ATTR_HTTP_ROUTE = 'http.route';
export const ERROR_TYPE_VALUE_OTHER = '_OTHER';

// GenAI operation names.
export const GEN_AI_OPERATION_NAME_VALUE_CHAT = 'chat';
export const GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS = 'embeddings';
export const GEN_AI_OPERATION_NAME_VALUE_TEXT_COMPLETION = 'text_completion';
export const GEN_AI_OPERATION_NAME_VALUE_GENERATE_CONTENT = 'generate_content';
export const GEN_AI_OPERATION_NAME_VALUE_INVOKE_AGENT = 'invoke_agent';
export const GEN_AI_OPERATION_NAME_VALUE_EXECUTE_TOOL = 'execute_tool';

// GenAI provider names.
export const GEN_AI_PROVIDER_NAME_VALUE_OPENAI = 'openai';
export const GEN_AI_PROVIDER_NAME_VALUE_ANTHROPIC = 'anthropic';
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_OPENAI = 'azure.ai.openai';

// GenAI token types of `gen_ai.client.token.usage`.
export const GEN_AI_TOKEN_TYPE_VALUE_INPUT = 'input';
export const GEN_AI_TOKEN_TYPE_VALUE_OUTPUT = 'output';

// GenAI metrics (experimental).
export const METRIC_GEN_AI_CLIENT_TOKEN_USAGE = 'gen_ai.client.token.usage';

// The newer GenAI token metrics, emitted instead of
// `gen_ai.client.token.usage` when OTEL_SEMCONV_STABILITY_OPT_IN contains
// `gen_ai_latest_experimental`. The usage counters sum tokens over time; the
// operation histograms show how tokens spread over single calls.
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_INPUT_TOKENS =
  'gen_ai.client.inference.usage.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS =
  'gen_ai.client.inference.usage.output_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS =
  'gen_ai.client.inference.usage.cache_read.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_CACHE_WRITE_INPUT_TOKENS =
  'gen_ai.client.inference.usage.cache_write.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS =
  'gen_ai.client.inference.usage.reasoning.output_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_INPUT_TOKENS =
  'gen_ai.client.inference.operation.input_tokens';
export const METRIC_GEN_AI_CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS =
  'gen_ai.client.inference.operation.output_tokens';
/** The modality of counted tokens, on the newer usage counters. */
export const ATTR_GEN_AI_TOKEN_MODALITY = 'gen_ai.token.modality';
/** The modality of tokens that the provider does not break down. */
export const GEN_AI_TOKEN_MODALITY_VALUE_UNKNOWN = 'unknown';
/** The opt-in value that selects the newer GenAI conventions. */
export const SEMCONV_OPT_IN_GEN_AI_LATEST = 'gen_ai_latest_experimental';
/** Bucket boundaries of `gen_ai.client.token.usage`, in tokens. */
export const GEN_AI_CLIENT_TOKEN_USAGE_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
  16777216, 67108864,
];

// tokenmeter span attributes (experimental).
/** The AI feature a call or interaction belongs to. */
export const ATTR_TOKENMETER_FEATURE = 'tokenmeter.feature';
/** The id of the interaction a call belongs to. */
export const ATTR_TOKENMETER_INTERACTION_ID = 'tokenmeter.interaction.id';
/** True when the usage figures were estimated, not reported by the provider. */
export const ATTR_TOKENMETER_USAGE_ESTIMATED = 'tokenmeter.usage.estimated';
/** The method of an estimate, such as `tokenizer:o200k_base`. */
export const ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD =
  'tokenmeter.usage.estimate_method';
/** Cost by token type on a priced span, in the cost currency. */
export const ATTR_TOKENMETER_COST_INPUT = 'tokenmeter.cost.input';
export const ATTR_TOKENMETER_COST_CACHE_READ = 'tokenmeter.cost.cache_read';
export const ATTR_TOKENMETER_COST_CACHE_WRITE = 'tokenmeter.cost.cache_write';
export const ATTR_TOKENMETER_COST_OUTPUT = 'tokenmeter.cost.output';
export const ATTR_TOKENMETER_COST_REASONING = 'tokenmeter.cost.reasoning';
/** The catalog provider and model whose prices were applied. */
export const ATTR_TOKENMETER_PRICE_PROVIDER = 'tokenmeter.price.provider';
export const ATTR_TOKENMETER_PRICE_MODEL = 'tokenmeter.price.model';
/** The origin of the prices: `genai-prices@<version>` or `override`. */
export const ATTR_TOKENMETER_PRICE_SOURCE = 'tokenmeter.price.source';
/** Set to true on a GenAI span whose model has no known price. */
export const ATTR_TOKENMETER_UNPRICED = 'tokenmeter.unpriced';
/** The reason a GenAI span's usage was not counted: `invalid_usage`. */
export const ATTR_TOKENMETER_SKIPPED = 'tokenmeter.skipped';
/** Totals written onto the interaction span when it ends. */
export const ATTR_TOKENMETER_INTERACTION_COST = 'tokenmeter.interaction.cost';
export const ATTR_TOKENMETER_INTERACTION_INPUT_TOKENS =
  'tokenmeter.interaction.input_tokens';
export const ATTR_TOKENMETER_INTERACTION_OUTPUT_TOKENS =
  'tokenmeter.interaction.output_tokens';
export const ATTR_TOKENMETER_INTERACTION_CALLS = 'tokenmeter.interaction.calls';
export const ATTR_TOKENMETER_INTERACTION_UNPRICED_CALLS =
  'tokenmeter.interaction.unpriced_calls';
/** The token type of a `tokenmeter.cost` data point. */
export const ATTR_TOKENMETER_TOKEN_TYPE = 'tokenmeter.token.type';
/** The reason a metric was recorded, such as why a span was skipped. */
export const ATTR_TOKENMETER_REASON = 'tokenmeter.reason';
/**
 * Start of `tokenmeter.usage.estimate_method` when tokens were counted with
 * a tokenizer; the encoding name follows, as in `tokenizer:o200k_base`.
 */
export const TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX = 'tokenizer:';
/**
 * `tokenmeter.usage.estimate_method` of a count taken from a provider's
 * earlier, provisional report, such as the output count in the first event
 * of a stream that stopped before its final count.
 */
export const TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED = 'last_reported';

// Values of `tokenmeter.token.type`.
export const TOKEN_TYPE_INPUT = 'input';
export const TOKEN_TYPE_CACHE_READ = 'cache_read';
export const TOKEN_TYPE_CACHE_WRITE = 'cache_write';
export const TOKEN_TYPE_OUTPUT = 'output';
export const TOKEN_TYPE_REASONING = 'reasoning';

// W3C Baggage keys that carry the attribution across services.
export const BAGGAGE_TOKENMETER_FEATURE = 'tokenmeter.feature';
export const BAGGAGE_TOKENMETER_INTERACTION_ID = 'tokenmeter.interaction.id';

// tokenmeter metrics (experimental).
/** Counter of money spent on model calls, in the cost currency. */
export const METRIC_TOKENMETER_COST = 'tokenmeter.cost';
/** Counter of GenAI calls whose model has no known price. */
export const METRIC_TOKENMETER_UNPRICED = 'tokenmeter.unpriced';
/** Counter of GenAI spans skipped because their usage was invalid. */
export const METRIC_TOKENMETER_SKIPPED = 'tokenmeter.skipped';
/** Counter of finished interactions. */
export const METRIC_TOKENMETER_INTERACTIONS = 'tokenmeter.interactions';
/** Counter of interactions dropped from the ledger before their span ended. */
export const METRIC_TOKENMETER_INTERACTIONS_EVICTED =
  'tokenmeter.interactions.evicted';
/** Histogram of the cost of one interaction. */
export const METRIC_TOKENMETER_INTERACTION_COST = 'tokenmeter.interaction.cost';
/** Histogram of the tokens of one interaction, by token type. */
export const METRIC_TOKENMETER_INTERACTION_TOKENS =
  'tokenmeter.interaction.tokens';
/** Histogram of the model calls of one interaction. */
export const METRIC_TOKENMETER_INTERACTION_CALLS =
  'tokenmeter.interaction.calls';

/**
 * Bucket boundaries of `tokenmeter.interaction.cost`, in USD: they separate
 * the bands that teams usually budget in, from a tenth of a cent to $5.
 */
export const INTERACTION_COST_BUCKETS: readonly number[] = [
  0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.15, 0.3, 0.5, 1, 5,
];
/** Bucket boundaries of `tokenmeter.interaction.calls`. */
export const INTERACTION_CALLS_BUCKETS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100,
];

/** The instrumentation scope name of tokenmeter's tracer and meter. */
export const TOKENMETER_SCOPE = 'tokenmeter';
