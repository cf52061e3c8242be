import { TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX } from '../../semconv.js';
import type { CallUsage } from '../common/span.js';
import {
  encodingForModel,
  loadedTokenCounter,
  loadTokenCounter,
  type EncodingName,
  type TokenCounter,
} from '../../tokenizer/index.js';
import {
  countTally,
  tallyChatInput,
  tallyChatOutput,
  type TokenTally,
} from './chat-token-tally.js';
import { readString, type UnknownRecord } from './values.js';

/**
 * Estimates the usage of a streamed chat completion that reports none, with
 * the tokenizer of the requested model. The prompt's texts are collected
 * when the request is made, because apps often append to their message list
 * once the reply has streamed.
 */
export class ChatUsageEstimator {
  private readonly encoding: EncodingName;
  private readonly estimateMethod: string;
  private readonly input: TokenTally;

  constructor(params: UnknownRecord) {
    this.encoding = encodingForModel(readString(params.model)).encoding;
    this.estimateMethod =
      TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX + this.encoding;
    this.input = tallyChatInput(params, this.encoding);
  }

  /** Starts loading the tokenizer, so that it is ready when a stream ends. */
  preload(): void {
    void loadTokenCounter(this.encoding);
  }

  /**
   * Estimates the usage of the prompt and of the streamed output texts and
   * passes it to `apply`: at once when the tokenizer is loaded, else in the
   * returned promise. If the tokenizer fails to load, `apply` is not called.
   */
  estimate(
    outputTexts: Iterable<string>,
    apply: (usage: CallUsage) => void,
  ): Promise<void> | undefined {
    const output = tallyChatOutput(outputTexts);
    const counter = loadedTokenCounter(this.encoding);
    if (counter !== undefined) {
      apply(this.count(counter, output));
      return undefined;
    }

    return loadTokenCounter(this.encoding).then((loaded) => {
      if (loaded !== undefined) {
        apply(this.count(loaded, output));
      }
    });
  }

  private count(counter: TokenCounter, output: TokenTally): CallUsage {
    return {
      inputTokens: countTally(counter, this.input),
      outputTokens: countTally(counter, output),
      estimateMethod: this.estimateMethod,
    };
  }
}
