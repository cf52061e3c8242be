import {
  TOKENMETER_ESTIMATE_METHOD_VALUE_LAST_REPORTED,
  TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX,
} from '../../semconv.js';
import {
  encodingForModel,
  loadTokenCounter,
  loadedTokenCounter,
  type TokenCounter,
} from '../../tokenizer/index.js';

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
  const { encoding } = encodingForModel(output.model);
  const counter = loadedTokenCounter(encoding);
  if (counter) {
    done(countWith(counter, output));
    return;
  }

  loadTokenCounter(encoding).then(
    (loaded) => done(loaded ? countWith(loaded, output) : lastReported(output)),
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
  output: StoppedOutput,
): OutputEstimate {
  // The provisional count is a floor: a stream may stop before any text.
  const counted = counter.count(output.text);
  return {
    outputTokens: Math.max(counted, output.lastReported ?? 0),
    estimateMethod: `${TOKENMETER_ESTIMATE_METHOD_VALUE_TOKENIZER_PREFIX}${counter.encoding}`,
  };
}
