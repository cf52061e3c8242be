import {
  GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS,
  GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
} from '../../semconv.js';
import { isRecord, type UnknownRecord } from '../common/attributes.js';
import {
  prepareCall,
  type OutputLimit,
  type PreparedCall,
} from '../common/before-call.js';
import { logFailure } from '../common/log.js';
import {
  operationName,
  parseRequestBody,
  readInvokeMaxTokens,
} from './attributes.js';
import type { Operation } from './operations.js';
import { bedrockPrompt } from './prompt.js';

/**
 * The output token limit of a Converse request,
 * `inferenceConfig.maxTokens`, which budgets clamp on a copy of the input
 * and of its `inferenceConfig`.
 */
const CONVERSE_MAX_TOKENS: OutputLimit = {
  read: (input) => {
    const config = isRecord(input.inferenceConfig) ? input.inferenceConfig : {};
    const limit = config.maxTokens;
    return typeof limit === 'number' && Number.isFinite(limit)
      ? limit
      : undefined;
  },
  write: (input, limit) => ({
    ...input,
    inferenceConfig: {
      ...(isRecord(input.inferenceConfig) ? input.inferenceConfig : {}),
      maxTokens: limit,
    },
  }),
};

/**
 * Sizes the prompt of a command for the cost breakdown and checks the
 * call's budget, or returns undefined when that fails, so the call goes
 * ahead untouched.
 *
 * An InvokeModel body is bytes in the model's own format, which the app
 * serialized, so its output limit is read but never rewritten: a call that
 * `clamp` would lower goes ahead unchanged, as in `observe`.
 */
export function prepareBedrockCall(
  operation: Operation,
  input: UnknownRecord,
): PreparedCall | undefined {
  try {
    const model = typeof input.modelId === 'string' ? input.modelId : undefined;
    if (operation === 'Converse' || operation === 'ConverseStream') {
      return prepareCall({
        provider: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
        model,
        params: input,
        prompt: bedrockPrompt(input),
        outputLimit: CONVERSE_MAX_TOKENS,
      });
    }
    const body = parseRequestBody(input.body) ?? {};
    // An embedding has no output tokens, so its output limit reads as 0.
    const embeds =
      operationName(input.modelId, body) ===
      GEN_AI_OPERATION_NAME_VALUE_EMBEDDINGS;
    return prepareCall({
      provider: GEN_AI_PROVIDER_NAME_VALUE_AWS_BEDROCK,
      model,
      params: input,
      prompt: bedrockPrompt(body),
      outputLimit: { read: () => (embeds ? 0 : readInvokeMaxTokens(body)) },
    });
  } catch (error) {
    logFailure('Preparing a Bedrock call', error);
    return undefined;
  }
}

/**
 * Returns a copy of a command that sends `input` in place of its own. The
 * copy keeps the command's class, so the client serializes it the same
 * way, and gets a copy of its middleware stack, so that sending it leaves
 * the app's command as it was.
 */
export function withInput(command: object, input: UnknownRecord): object {
  const copy = Object.create(Object.getPrototypeOf(command) as object) as {
    input?: unknown;
    middlewareStack?: { clone?: () => unknown };
  };
  Object.assign(copy, command);
  copy.input = input;
  const stack = copy.middlewareStack;
  if (typeof stack?.clone === 'function') {
    copy.middlewareStack = stack.clone() as typeof stack;
  }
  return copy;
}
