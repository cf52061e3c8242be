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
  type TokenCounter,
} from '../../tokenizer/index.js';
import { tallyResponsesInput } from './responses-input.js';
import { readString, type UnknownRecord } from './values.js';

/**
 * Estimates the usage of a call that reports none, with the tokenizer of
 * the requested model. The prompt's texts are collected when the request
 * is made, because apps often append to their message list once the reply
 * has streamed.
 */
export class UsageEstimator {
  private readonly choice: EncodingChoice;
  private readonly input: TokenTally;

  constructor(
    model: unknown,
    tallyInput: (encoding: EncodingName) => TokenTally,
  ) {
    this.choice = encodingForModel(readString(model));
    this.input = tallyInput(this.choice.encoding);
  }

  /** Starts loading the tokenizer, so that it is ready when a stream ends. */
  preload(): void {
    void loadTokenCounter(this.choice.encoding);
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
    const output = tallyChatOutput(outputTexts);
    return withTokenCounter(this.choice.encoding, (counter) =>
      apply(this.count(counter, output)),
    );
  }

  private count(counter: TokenCounter, output: TokenTally): CallUsage {
    return {
      inputTokens: countTally(counter, this.input),
      outputTokens: countTally(counter, output),
      estimateMethod: tokenizerMethod(this.choice),
    };
  }
}

/** Builds the estimator of a chat completion request. */
export function chatUsageEstimator(params: UnknownRecord): UsageEstimator {
  return new UsageEstimator(params.model, (encoding) =>
    tallyChatInput(params, encoding),
  );
}

/** Builds the estimator of a Responses API request. */
export function responsesUsageEstimator(params: UnknownRecord): UsageEstimator {
  return new UsageEstimator(params.model, (encoding) =>
    tallyResponsesInput(params, encoding),
  );
}
