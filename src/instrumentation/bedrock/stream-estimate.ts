import type { UnknownRecord } from '../common/attributes.js';
import {
  countTally,
  tallyChatOutput,
  type TokenTally,
} from '../common/chat-token-tally.js';
import type { CallUsage } from '../common/span.js';
import { tokenizerMethod, withTokenCounter } from '../common/token-estimate.js';
import {
  encodingForModel,
  type EncodingChoice,
  type TokenCounter,
} from '../../tokenizer/index.js';
import { toCallUsage, type UncachedCounts } from './counts.js';
import { tallyBedrockInput } from './request-tally.js';
import type { StreamedOutput } from './streamed-output.js';

/**
 * Estimates the usage of a Bedrock stream that ended before the event that
 * carries its counts (the `metadata` event of ConverseStream, the
 * `amazon-bedrock-invocationMetrics` of an InvokeModel stream's last
 * chunk), as when the app stops reading, aborts or the stream fails. The
 * prompt's texts are collected when the request is made, and the output's
 * as the app reads the stream.
 *
 * Counts the stream reported before it ended are kept, such as the input
 * and cache counts of an Anthropic `message_start`. The output is the larger of
 * the streamed text's count and the last output count reported, because
 * `message_start` reports a placeholder and Llama chunks a running count.
 */
export class BedrockStreamEstimator {
  private readonly choice: EncodingChoice;
  private readonly input: TokenTally;

  /**
   * `output` is the stream's output, which the call fills as the app reads
   * the stream.
   */
  constructor(
    modelId: unknown,
    request: UnknownRecord,
    private readonly output: StreamedOutput,
  ) {
    this.choice = encodingForModel(
      typeof modelId === 'string' ? modelId : undefined,
    );
    this.input = tallyBedrockInput(request, this.choice.encoding);
  }

  /**
   * Estimates the usage, given the counts reported so far, and passes it
   * to `apply`: at once when the tokenizer is loaded, else in the returned
   * promise. If the tokenizer fails to load, `apply` is not called.
   */
  estimate(
    reported: UncachedCounts | undefined,
    apply: (usage: CallUsage) => void,
  ): Promise<void> | undefined {
    const output = tallyChatOutput(this.output.outputTexts());
    return withTokenCounter(this.choice.encoding, (counter) =>
      apply(this.count(counter, output, reported ?? {})),
    );
  }

  private count(
    counter: TokenCounter,
    output: TokenTally,
    reported: UncachedCounts,
  ): CallUsage {
    const usage = toCallUsage(reported);
    return {
      ...usage,
      inputTokens: usage.inputTokens ?? countTally(counter, this.input),
      outputTokens: Math.max(
        countTally(counter, output),
        usage.outputTokens ?? 0,
      ),
      estimateMethod: tokenizerMethod(this.choice),
    };
  }
}
