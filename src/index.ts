export { VERSION } from './version.js';
export { OpenAIInstrumentation } from './instrumentation/openai/instrumentation.js';
export type { OpenAIInstrumentationConfig } from './instrumentation/openai/types.js';
export { CostSpanProcessor } from './processor/cost-span-processor.js';
export type { CostSpanProcessorOptions } from './processor/options.js';
export {
  withInteraction,
  activeInteraction,
} from './interaction/with-interaction.js';
export type {
  Interaction,
  InteractionOptions,
} from './interaction/with-interaction.js';
export { PriceConfigError } from './pricing/overrides.js';
export type {
  ModelPrices,
  PriceOverride,
  TieredTokenPrice,
  TokenPrice,
} from './pricing/types.js';
export {
  ATTR_TOKENMETER_FEATURE,
  ATTR_TOKENMETER_INTERACTION_ID,
  ATTR_TOKENMETER_USAGE_ESTIMATED,
  METRIC_TOKENMETER_COST,
  METRIC_TOKENMETER_INTERACTION_COST,
  METRIC_TOKENMETER_INTERACTIONS,
  METRIC_TOKENMETER_UNPRICED,
} from './semconv.js';
export { AnthropicInstrumentation } from './instrumentation/anthropic/instrumentation.js';
export type { AnthropicInstrumentationConfig } from './instrumentation/anthropic/types.js';
export { GoogleGenAIInstrumentation } from './instrumentation/google-genai/instrumentation.js';
export type { GoogleGenAIInstrumentationConfig } from './instrumentation/google-genai/types.js';
export { BedrockRuntimeInstrumentation } from './instrumentation/bedrock/instrumentation.js';
export type { BedrockRuntimeInstrumentationConfig } from './instrumentation/bedrock/types.js';
export { withRouting } from './interaction/routing.js';
export { recordCacheHit } from './interaction/cache-hit.js';
export type { CacheHit } from './interaction/cache-hit.js';
export { markContext } from './breakdown/context.js';
export { configureBudgets } from './budget/registry.js';
export { BudgetConfigError } from './budget/rules.js';
export { TokenBudgetExceededError } from './budget/error.js';
export type { BudgetLimit, BudgetMode, BudgetRule } from './budget/types.js';
export { ReplayServer } from './replay/server.js';
export type { ReplayServerOptions, ReceivedRequest } from './replay/server.js';
export { loadRecording, loadRecordings } from './replay/recording.js';
export type {
  RecordedExchange,
  RecordedRequest,
  RecordedResponse,
  Recording,
} from './replay/recording.js';
