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
export const GEN_AI_PROVIDER_NAME_VALUE_AZURE_AI_INFERENCE =
  'azure.ai.inference';
export const GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK = 'aws.bedrock';
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_GEMINI = 'gcp.gemini';
export const GEN_AI_PROVIDER_NAME_VALUE_GCP_VERTEX_AI = 'gcp.vertex_ai';
export const GEN_AI_PROVIDER_NAME_VALUE_DEEPSEEK = 'deepseek';
export const GEN_AI_PROVIDER_NAME_VALUE_GROQ = 'groq';
export const GEN_AI_PROVIDER_NAME_VALUE_MISTRAL_AI = 'mistral_ai';
export const GEN_AI_PROVIDER_NAME_VALUE_PERPLEXITY = 'perplexity';
export const GEN_AI_PROVIDER_NAME_VALUE_X_AI = 'x_ai';
// Provider names the conventions do not define, written by tokenmeter's
// OpenAI instrumentation for OpenAI-compatible APIs it recognizes by host.
export const PROVIDER_NAME_VALUE_TOGETHER_AI = 'together_ai';
export const PROVIDER_NAME_VALUE_FIREWORKS_AI = 'fireworks_ai';
export const PROVIDER_NAME_VALUE_OPENROUTER = 'openrouter';
export const PROVIDER_NAME_VALUE_CEREBRAS = 'cerebras';
/**
 * An OpenAI-compatible server that tokenmeter does not recognize by its
 * host, such as a self-hosted vLLM or Ollama server. Never priced from the
 * catalog; price overrides that name its models price it.
 */
export const PROVIDER_NAME_VALUE_OPENAI_COMPATIBLE = 'openai_compatible';

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
/** Input tokens that were audio; part of `gen_ai.usage.input_tokens`. */
export const ATTR_TOKENMETER_USAGE_AUDIO_INPUT_TOKENS =
  'tokenmeter.usage.audio.input_tokens';
/** Output tokens that were audio; part of `gen_ai.usage.output_tokens`. */
export const ATTR_TOKENMETER_USAGE_AUDIO_OUTPUT_TOKENS =
  'tokenmeter.usage.audio.output_tokens';
/** Input tokens that were images; part of `gen_ai.usage.input_tokens`. */
export const ATTR_TOKENMETER_USAGE_IMAGE_INPUT_TOKENS =
  'tokenmeter.usage.image.input_tokens';
/** Output tokens that were images; part of `gen_ai.usage.output_tokens`. */
export const ATTR_TOKENMETER_USAGE_IMAGE_OUTPUT_TOKENS =
  'tokenmeter.usage.image.output_tokens';
/** Web searches the provider ran for the call, billed per search. */
export const ATTR_TOKENMETER_USAGE_WEB_SEARCH_CALLS =
  'tokenmeter.usage.web_search.calls';
/**
 * The service tier the provider reports it processed the call in, such as
 * `flex` or `batch`, for providers without an attribute of their own for
 * it; OpenAI's is `gen_ai.openai.response.service_tier` and Anthropic's
 * `anthropic.response.service_tier`. Spans an app writes for the results
 * of a batch job set it to `batch`.
 */
export const ATTR_TOKENMETER_RESPONSE_SERVICE_TIER =
  'tokenmeter.response.service_tier';
// Names of @anthropic-ai/sdk's own tracing (1.x), which tokenmeter's
// Anthropic instrumentation writes too, so that both spans read alike.
/** `usage.service_tier` of a Message: `standard`, `priority` or `batch`. */
export const ATTR_ANTHROPIC_RESPONSE_SERVICE_TIER =
  'anthropic.response.service_tier';
/** Cache writes with a one-hour lifetime; part of the cache writes. */
export const ATTR_ANTHROPIC_USAGE_CACHE_CREATION_EPHEMERAL_1H_INPUT_TOKENS =
  'anthropic.usage.cache_creation.ephemeral_1h_input_tokens';
/** The method of an estimate, such as `tokenizer:o200k_base`. */
export const ATTR_TOKENMETER_USAGE_ESTIMATE_METHOD =
  'tokenmeter.usage.estimate_method';
/** Cost by token type on a priced span, in the cost currency. */
export const ATTR_TOKENMETER_COST_INPUT = 'tokenmeter.cost.input';
export const ATTR_TOKENMETER_COST_CACHE_READ = 'tokenmeter.cost.cache_read';
export const ATTR_TOKENMETER_COST_CACHE_WRITE = 'tokenmeter.cost.cache_write';
export const ATTR_TOKENMETER_COST_OUTPUT = 'tokenmeter.cost.output';
export const ATTR_TOKENMETER_COST_REASONING = 'tokenmeter.cost.reasoning';
export const ATTR_TOKENMETER_COST_INPUT_AUDIO = 'tokenmeter.cost.input_audio';
export const ATTR_TOKENMETER_COST_OUTPUT_AUDIO = 'tokenmeter.cost.output_audio';
export const ATTR_TOKENMETER_COST_INPUT_IMAGE = 'tokenmeter.cost.input_image';
export const ATTR_TOKENMETER_COST_OUTPUT_IMAGE = 'tokenmeter.cost.output_image';
export const ATTR_TOKENMETER_COST_WEB_SEARCH = 'tokenmeter.cost.web_search';
export const ATTR_TOKENMETER_COST_REQUEST = 'tokenmeter.cost.request';
/** The catalog provider and model whose prices were applied. */
export const ATTR_TOKENMETER_PRICE_PROVIDER = 'tokenmeter.price.provider';
export const ATTR_TOKENMETER_PRICE_MODEL = 'tokenmeter.price.model';
/**
 * The origin of the prices: `genai-prices@<version>`, the same with
 * `+corrections` when tokenmeter's built-in corrections changed them, or
 * `override`.
 */
export const ATTR_TOKENMETER_PRICE_SOURCE = 'tokenmeter.price.source';
/** The service tier whose rates were applied, when not the standard one. */
export const ATTR_TOKENMETER_PRICE_SERVICE_TIER =
  'tokenmeter.price.service_tier';
/** Set to true on a GenAI span whose model has no known price. */
export const ATTR_TOKENMETER_UNPRICED = 'tokenmeter.unpriced';
/**
 * The reason a GenAI span's usage was not counted: `invalid_usage` or
 * `counted_in_descendant`.
 */
export const ATTR_TOKENMETER_SKIPPED = 'tokenmeter.skipped';
/** The span's usage values were negative, non-finite or not numbers. */
export const TOKENMETER_SKIPPED_VALUE_INVALID_USAGE = 'invalid_usage';
/**
 * The span's usage sums calls that a descendant span already counted, as on
 * an agent span or the AI SDK's `ai.generateText` around its model calls.
 */
export const TOKENMETER_SKIPPED_VALUE_COUNTED_IN_DESCENDANT =
  'counted_in_descendant';
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
 * Start of `tokenmeter.usage.estimate_method` when tokens were counted with
 * an OpenAI encoding standing in for a tokenizer that is not public
 * (Claude, Gemini, Llama, Nova ...), as in
 * `approximate_tokenizer:o200k_base`.
 */
export const TOKENMETER_ESTIMATE_METHOD_VALUE_APPROXIMATE_TOKENIZER_PREFIX =
  'approximate_tokenizer:';
/**
 * Start of `tokenmeter.usage.estimate_method` when the provider's last
 * running count was kept and the text streamed after it was counted with a
 * tokenizer, whose method follows, as in
 * `last_reported+approximate_tokenizer:o200k_base`.
 */
export const TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED_PLUS_PREFIX =
  'last_reported+';
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
export const TOKEN_TYPE_INPUT_AUDIO = 'input_audio';
export const TOKEN_TYPE_OUTPUT_AUDIO = 'output_audio';
export const TOKEN_TYPE_INPUT_IMAGE = 'input_image';
export const TOKEN_TYPE_OUTPUT_IMAGE = 'output_image';
/** Not a token type: the per-search fee of web searches. */
export const TOKEN_TYPE_WEB_SEARCH = 'web_search';
/** Not a token type: a fee per request, as Perplexity charges. */
export const TOKEN_TYPE_REQUEST = 'request';

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

// Names written by other instrumentation families, read by the dialects in
// src/usage/dialects/. Each group names the packages it was checked against.

// OpenLLMetry (@traceloop/instrumentation-* and @traceloop/ai-semantic-
// conventions 0.22.x): legacy names, with capitalised `gen_ai.system`
// values such as `OpenAI`, `Anthropic` and `AWS`.
export const ATTR_LLM_REQUEST_TYPE = 'llm.request.type';
export const ATTR_LLM_USAGE_TOTAL_TOKENS = 'llm.usage.total_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS_LEGACY =
  'gen_ai.usage.cache_read_input_tokens';
export const ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS_LEGACY =
  'gen_ai.usage.cache_creation_input_tokens';
export const ATTR_GEN_AI_USAGE_REASONING_TOKENS_LEGACY =
  'gen_ai.usage.reasoning_tokens';

// OpenInference (@arizeai/openinference-semantic-conventions 2.12).
export const ATTR_OPENINFERENCE_SPAN_KIND = 'openinference.span.kind';
export const ATTR_LLM_PROVIDER = 'llm.provider';
export const ATTR_LLM_SYSTEM = 'llm.system';
export const ATTR_LLM_MODEL_NAME = 'llm.model_name';
export const ATTR_LLM_REQUEST_MODEL_NAME = 'llm.request.model_name';
export const ATTR_LLM_RESPONSE_MODEL_NAME = 'llm.response.model_name';
export const ATTR_LLM_TOKEN_COUNT_PROMPT = 'llm.token_count.prompt';
export const ATTR_LLM_TOKEN_COUNT_COMPLETION = 'llm.token_count.completion';
export const ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_READ =
  'llm.token_count.prompt_details.cache_read';
export const ATTR_LLM_TOKEN_COUNT_PROMPT_CACHE_WRITE =
  'llm.token_count.prompt_details.cache_write';
export const ATTR_LLM_TOKEN_COUNT_COMPLETION_REASONING =
  'llm.token_count.completion_details.reasoning';

// Vercel AI SDK (`ai` 4 to 7; in 7 through @ai-sdk/otel's
// LegacyOpenTelemetry). Its OpenTelemetry integration in 7 writes the
// GenAI conventions' names instead.
export const ATTR_AI_OPERATION_ID = 'ai.operationId';
export const ATTR_AI_MODEL_PROVIDER = 'ai.model.provider';
export const ATTR_AI_MODEL_ID = 'ai.model.id';
export const ATTR_AI_RESPONSE_MODEL = 'ai.response.model';
/** Provider-specific metadata of the response, as a JSON string. */
export const ATTR_AI_RESPONSE_PROVIDER_METADATA =
  'ai.response.providerMetadata';
/** `ai` 4, and `generateText` in `ai` 5. */
export const ATTR_AI_USAGE_PROMPT_TOKENS = 'ai.usage.promptTokens';
export const ATTR_AI_USAGE_COMPLETION_TOKENS = 'ai.usage.completionTokens';
/** `ai` 5 (`streamText`) and later. */
export const ATTR_AI_USAGE_INPUT_TOKENS = 'ai.usage.inputTokens';
export const ATTR_AI_USAGE_OUTPUT_TOKENS = 'ai.usage.outputTokens';
export const ATTR_AI_USAGE_CACHED_INPUT_TOKENS = 'ai.usage.cachedInputTokens';
export const ATTR_AI_USAGE_REASONING_TOKENS = 'ai.usage.reasoningTokens';
/** `ai` 6 and later. */
export const ATTR_AI_USAGE_INPUT_NO_CACHE_TOKENS =
  'ai.usage.inputTokenDetails.noCacheTokens';
export const ATTR_AI_USAGE_INPUT_CACHE_READ_TOKENS =
  'ai.usage.inputTokenDetails.cacheReadTokens';
export const ATTR_AI_USAGE_INPUT_CACHE_WRITE_TOKENS =
  'ai.usage.inputTokenDetails.cacheWriteTokens';
export const ATTR_AI_USAGE_OUTPUT_REASONING_TOKENS =
  'ai.usage.outputTokenDetails.reasoningTokens';
/** The input tokens of an embedding call. */
export const ATTR_AI_USAGE_TOKENS = 'ai.usage.tokens';

// Where a call's tokens go (experimental). The instrumentation writes the
// prompt's component sizes, in prompt order, without any of its text; the
// processor shares the provider's exact counts and the cost out over them.
/** Prompt components in prompt order, such as `["system", "user_input"]`. */
export const ATTR_TOKENMETER_PROMPT_COMPONENTS = 'tokenmeter.prompt.components';
/** The size of each prompt component, in the unit of the size unit. */
export const ATTR_TOKENMETER_PROMPT_SIZES = 'tokenmeter.prompt.sizes';
/** `chars` for the default sizing, `tokens` for exact counts. */
export const ATTR_TOKENMETER_PROMPT_SIZE_UNIT = 'tokenmeter.prompt.size_unit';
/** Response components, such as `["text", "tool_calls"]`. */
export const ATTR_TOKENMETER_COMPLETION_COMPONENTS =
  'tokenmeter.completion.components';
/** The size of each response component, in characters. */
export const ATTR_TOKENMETER_COMPLETION_SIZES = 'tokenmeter.completion.sizes';
export const PROMPT_SIZE_UNIT_VALUE_CHARS = 'chars';
export const PROMPT_SIZE_UNIT_VALUE_TOKENS = 'tokens';
/** Starts the per-component span attributes `tokenmeter.component.<name>.tokens` and `.cost`. */
export const ATTR_TOKENMETER_COMPONENT_PREFIX = 'tokenmeter.component.';
/** The component of a `tokenmeter.cost` data point. */
export const ATTR_TOKENMETER_COMPONENT = 'tokenmeter.component';
/** The component of cost that no prompt breakdown covers. */
export const COMPONENT_VALUE_UNKNOWN = 'unknown';
/** The component of fees that are not tokens: web searches, requests. */
export const COMPONENT_VALUE_OTHER = 'other';

// Budgets (experimental).
/** What the budget check did to a call: `observe`, `clamp` or `block`. */
export const ATTR_TOKENMETER_BUDGET_ACTION = 'tokenmeter.budget.action';
/** The output token limit a `clamp` set on the request. */
export const ATTR_TOKENMETER_BUDGET_MAX_OUTPUT_TOKENS =
  'tokenmeter.budget.max_output_tokens';
/** The span event, and metric, of a call that went over a budget. */
export const EVENT_TOKENMETER_BUDGET_EXCEEDED = 'tokenmeter.budget.exceeded';
export const METRIC_TOKENMETER_BUDGET_EXCEEDED = 'tokenmeter.budget.exceeded';
/** The budget limit gone over, such as `max_input_tokens_per_call`. */
export const ATTR_TOKENMETER_BUDGET_LIMIT = 'tokenmeter.budget.limit';
/** The limit's value: tokens, calls, or USD. */
export const ATTR_TOKENMETER_BUDGET_ALLOWED = 'tokenmeter.budget.allowed';
/** What the call would have reached, in the limit's unit. */
export const ATTR_TOKENMETER_BUDGET_REQUESTED = 'tokenmeter.budget.requested';
/** True when the requested figure is an estimate. */
export const ATTR_TOKENMETER_BUDGET_ESTIMATED = 'tokenmeter.budget.estimated';
/** The budget mode: `observe`, `clamp` or `block`. */
export const ATTR_TOKENMETER_BUDGET_MODE = 'tokenmeter.budget.mode';

// Savings (experimental).
/** Counter of money not spent, by reason, in the cost currency. */
export const METRIC_TOKENMETER_COST_SAVED = 'tokenmeter.cost.saved';
/** The reason of a saving. */
export const ATTR_TOKENMETER_SAVING_REASON = 'tokenmeter.saving.reason';
/** Cache reads billed below the full input rate. */
export const SAVING_REASON_VALUE_PROMPT_CACHE = 'prompt_cache';
/** A call the app answered from its own cache instead. */
export const SAVING_REASON_VALUE_RESPONSE_CACHE = 'response_cache';
/** A call routed to a cheaper model than the one named. */
export const SAVING_REASON_VALUE_MODEL_ROUTING = 'model_routing';
/** The money a call saved, by all reasons, in the cost currency. */
export const ATTR_TOKENMETER_COST_SAVED = 'tokenmeter.cost.saved';
/** The model a routed call would otherwise have used. */
export const ATTR_TOKENMETER_ROUTING_INSTEAD_OF =
  'tokenmeter.routing.instead_of';
/**
 * Set to true on the span of a response the app served from its own cache;
 * its `gen_ai.usage.*` counts are the usage the cache avoided.
 */
export const ATTR_TOKENMETER_CACHE_HIT = 'tokenmeter.cache_hit';
