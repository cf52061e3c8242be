import {
  countTally,
  tallyChatInput,
  tallyChatOutput,
  type TokenTally,
} from '../common/chat-token-tally.js';
import type { CallUsage } from '../common/span.js';
import { tokenizerMethod, withTokenCounter } from '../common/token-estimate.js';
import {
  encodingForModel,
  loadTokenCounter,
  type EncodingChoice,
  type EncodingName,
} from '../../tokenizer/index.js';
import { tallyResponsesInput } from './responses-input.js';
import { readString, type UnknownRecord } from './values.js';

/**
 * Estimates the usage of a call that reports none, with the tokenizer of
 * the requested model. The prompt is read only when an estimate is
 * needed, from a copy of the request's lists taken when the request is
 * made, because apps often append to their message list while a reply
 * streams.
 */
export class UsageEstimator {
  private choice: EncodingChoice | undefined;
  private input: TokenTally | undefined;

  constructor(
    private readonly model: unknown,
    private readonly tallyInput: (encoding: EncodingName) => TokenTally,
  ) {}

  /** Starts loading the tokenizer, so that it is ready when a stream ends. */
  preload(): void {
    void loadTokenCounter(this.encoding().encoding);
  }

  /**
   * Estimates the usage of the prompt and of the output texts and passes it
   * to `apply`: at once when the tokenizer is loaded, else in the returned
   * promise. If the tokenizer fails to load, `apply` is not called.
   */
  estimate(
    outputTexts: Iterable<string>,
    apply: (usage: CallUsage) => void,
  ): Promise<void> | undefined {
    const choice = this.encoding();
    this.input ??= this.tallyInput(choice.encoding);
    const input = this.input;
    const output = tallyChatOutput(outputTexts);
    return withTokenCounter(choice.encoding, (counter) =>
      apply({
        inputTokens: countTally(counter, input),
        outputTokens: countTally(counter, output),
        estimateMethod: tokenizerMethod(choice),
      }),
    );
  }

  private encoding(): EncodingChoice {
    this.choice ??= encodingForModel(readString(this.model));
    return this.choice;
  }
}

/** Builds the estimator of a chat completion request. */
export function chatUsageEstimator(params: UnknownRecord): UsageEstimator {
  const request = withCopiedLists(params, ['messages', 'tools']);
  return new UsageEstimator(params.model, (encoding) =>
    tallyChatInput(request, encoding),
  );
}

/** Builds the estimator of a Responses API request. */
export function responsesUsageEstimator(params: UnknownRecord): UsageEstimator {
  const request = withCopiedLists(params, ['input', 'tools']);
  return new UsageEstimator(params.model, (encoding) =>
    tallyResponsesInput(request, encoding),
  );
}

/** Copies the request with its top-level lists copied, not their items. */
function withCopiedLists(
  params: UnknownRecord,
  names: readonly string[],
): UnknownRecord {
  const copy = { ...params };
  for (const name of names) {
    const value = copy[name];
    if (Array.isArray(value)) {
      copy[name] = [...(value as unknown[])];
    }
  }
  return copy;
}
