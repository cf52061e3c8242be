import { TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED } from '../../semconv.js';
import {
  encodingForModel,
  loadTokenCounter,
  loadedTokenCounter,
  type EncodingChoice,
  type TokenCounter,
} from '../../tokenizer/index.js';
import { logFailure } from '../common/log.js';
import { tokenizerMethod } from '../common/token-estimate.js';
import type { AnthropicInstrumentationConfig } from './types.js';

/** An estimated output count and how it was made. */
export interface OutputEstimate {
  outputTokens?: number;
  estimateMethod: string;
}

/** The known output of a stream that stopped early. */
export interface StoppedOutput {
  model?: string;
  /** The text and thinking streamed so far. */
  text: string;
  /** The provisional output count of `message_start`. */
  lastReported?: number;
}

/** How to count the output of a stream that stopped early. */
export type StoppedStreamOutput = NonNullable<
  AnthropicInstrumentationConfig['stoppedStreamOutput']
>;

/**
 * Estimates the output of a stream that stopped after `message_start`,
 * which reports the input counts, and before `message_delta`, which
 * reports the final output count, by the method `mode` names. Calls `done` once:
 * at once, or once the tokenizer has loaded. When counting fails, `done`
 * gets the last reported count.
 */
export function estimateStoppedOutput(
  output: StoppedOutput,
  mode: StoppedStreamOutput,
  done: (estimate: OutputEstimate) => void,
): void {
  if (mode === 'last_reported') {
    done(lastReported(output));
    return;
  }
  try {
    estimateWithTokenizer(output, done);
  } catch (error) {
    logFailure('Estimating the output of a stopped stream', error);
    done(lastReported(output));
  }
}

/**
 * Counts the streamed output with a tokenizer. Claude's tokenizer is not
 * public, so `encodingForModel` picks o200k_base and the count is an
 * approximation. Calls `done` at once when the encoding is already loaded,
 * else once it has loaded. When the encoding cannot be loaded, `done` gets
 * the last reported count instead.
 */
export function estimateWithTokenizer(
  output: StoppedOutput,
  done: (estimate: OutputEstimate) => void,
): void {
  const choice = encodingForModel(output.model);
  const counter = loadedTokenCounter(choice.encoding);
  if (counter) {
    done(countWith(counter, choice, output));
    return;
  }

  loadTokenCounter(choice.encoding).then(
    (loaded) =>
      done(loaded ? countWith(loaded, choice, output) : lastReported(output)),
    () => done(lastReported(output)),
  );
}

/** Takes the provisional count of `message_start` as a lower bound. */
export function lastReported(output: StoppedOutput): OutputEstimate {
  return {
    outputTokens: output.lastReported,
    estimateMethod: TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED,
  };
}

function countWith(
  counter: TokenCounter,
  choice: EncodingChoice,
  output: StoppedOutput,
): OutputEstimate {
  // The provisional count is a floor: a stream may stop before any text.
  const counted = counter.count(output.text);
  return {
    outputTokens: Math.max(counted, output.lastReported ?? 0),
    estimateMethod: tokenizerMethod(choice),
  };
}
