import { isRecord, type UnknownRecord } from '../common/attributes.js';
import { readField, type Count, type UncachedCounts } from './counts.js';

/** The counts and details of one InvokeModel response body or chunk. */
export interface BodyReading {
  /** Undefined when the body carries no token counts. */
  counts?: UncachedCounts;
  id?: string;
  model?: string;
  finishReasons: string[];
}

type FamilyReader = (body: UnknownRecord) => BodyReading | undefined;

/**
 * Readers of the native response formats that InvokeModel returns, tried
 * in order. Each recognizes its format by the fields it has, not by the
 * model id, which may be an inference profile or an ARN.
 */
const FAMILIES: readonly FamilyReader[] = [
  readAnthropic,
  readNova,
  readOpenAIStyle,
  readTitan,
  readLlama,
  readWithoutCounts,
];

/**
 * Reads a response body of InvokeModel, or the JSON of one chunk of
 * InvokeModelWithResponseStream, in the native format of its model:
 *
 * - Anthropic Claude (Messages format): `usage.input_tokens`, which
 *   excludes the cache counts, and `cache_read_input_tokens`,
 *   `cache_creation_input_tokens`, `output_tokens`; a stream's
 *   `message_start` and `message_delta` events;
 * - Amazon Nova: `usage.inputTokens`, `cacheReadInputTokenCount`,
 *   `cacheWriteInputTokenCount`, `outputTokens`; a stream's `metadata`;
 * - OpenAI-style chat completions (OpenAI gpt-oss, AI21 Jamba):
 *   `usage.prompt_tokens`, which includes cached tokens, and
 *   `completion_tokens`;
 * - Amazon Titan Text: `inputTextTokenCount` and each result's
 *   `tokenCount`, or a stream chunk's `totalOutputTextTokenCount`;
 * - Meta Llama: `prompt_token_count` and `generation_token_count`;
 * - Mistral, Cohere Command and DeepSeek, whose bodies carry finish
 *   reasons but no counts: their counts come from the response headers.
 */
export function readInvokeModelBody(body: unknown): BodyReading {
  if (!isRecord(body)) {
    return { finishReasons: [] };
  }
  for (const read of FAMILIES) {
    const reading = read(body);
    if (reading) {
      return reading;
    }
  }
  return { finishReasons: [] };
}

function readAnthropic(body: UnknownRecord): BodyReading | undefined {
  // A stream's `message_start` event wraps the Message.
  if (body.type === 'message_start' && isRecord(body.message)) {
    return readAnthropic(body.message);
  }

  const usage = body.usage;
  const isMessage = body.type === 'message' || body.type === 'message_delta';
  if (!isMessage || !isRecord(usage)) {
    return undefined;
  }
  const delta = isRecord(body.delta) ? body.delta : {};
  return {
    counts: {
      input: readField(usage.input_tokens),
      cacheRead: readField(usage.cache_read_input_tokens),
      cacheWrite: readField(usage.cache_creation_input_tokens),
      output: readField(usage.output_tokens),
    },
    id: text(body.id),
    model: text(body.model),
    finishReasons: strings(body.stop_reason ?? delta.stop_reason),
  };
}

function readNova(body: UnknownRecord): BodyReading | undefined {
  // A stream reports usage in its `metadata` event.
  const usage = isRecord(body.metadata) ? body.metadata.usage : body.usage;
  if (!isRecord(usage) || usage.inputTokens === undefined) {
    return undefined;
  }
  return {
    counts: {
      input: readField(usage.inputTokens),
      cacheRead: readField(usage.cacheReadInputTokenCount),
      cacheWrite: readField(usage.cacheWriteInputTokenCount),
      output: readField(usage.outputTokens),
    },
    finishReasons: strings(body.stopReason),
  };
}

function readOpenAIStyle(body: UnknownRecord): BodyReading | undefined {
  const usage = body.usage;
  if (!isRecord(usage) || usage.prompt_tokens === undefined) {
    return undefined;
  }

  const prompt = readField(usage.prompt_tokens);
  const details = isRecord(usage.prompt_tokens_details)
    ? usage.prompt_tokens_details
    : {};
  const cached = readField(details.cached_tokens);
  const uncached =
    typeof prompt === 'number' && typeof cached === 'number'
      ? Math.max(prompt - cached, 0)
      : prompt;
  return {
    counts: {
      input: cached === 'invalid' ? 'invalid' : uncached,
      cacheRead: cached,
      output: readField(usage.completion_tokens),
    },
    id: text(body.id),
    model: text(body.model),
    finishReasons: choiceReasons(body.choices, 'finish_reason'),
  };
}

function readTitan(body: UnknownRecord): BodyReading | undefined {
  if (body.inputTextTokenCount === undefined) {
    return undefined;
  }

  const results = Array.isArray(body.results) ? body.results : [];
  const output =
    body.totalOutputTextTokenCount !== undefined
      ? readField(body.totalOutputTextTokenCount)
      : sumFields(results, 'tokenCount');
  return {
    counts: { input: readField(body.inputTextTokenCount), output },
    finishReasons: [
      ...strings(body.completionReason),
      ...choiceReasons(results, 'completionReason'),
    ],
  };
}

function readLlama(body: UnknownRecord): BodyReading | undefined {
  if (
    body.prompt_token_count === undefined &&
    body.generation_token_count === undefined
  ) {
    return undefined;
  }
  return {
    counts: {
      input: readField(body.prompt_token_count),
      output: readField(body.generation_token_count),
    },
    finishReasons: strings(body.stop_reason),
  };
}

/**
 * Mistral (`outputs`, `choices`), Cohere Command and DeepSeek bodies, and
 * the `messageStop` chunk of a Nova stream.
 */
function readWithoutCounts(body: UnknownRecord): BodyReading | undefined {
  const messageStop = isRecord(body.messageStop) ? body.messageStop : {};
  const reasons = [
    ...strings(messageStop.stopReason),
    ...choiceReasons(body.outputs, 'stop_reason'),
    ...choiceReasons(body.choices, 'stop_reason'),
    ...choiceReasons(body.choices, 'finish_reason'),
    ...choiceReasons(body.generations, 'finish_reason'),
    ...strings(body.finish_reason),
  ];
  if (reasons.length === 0) {
    return undefined;
  }
  return { id: text(body.id), finishReasons: reasons };
}

function sumFields(items: unknown[], name: string): Count {
  let total: number | undefined;
  for (const item of items) {
    const count = isRecord(item) ? readField(item[name]) : undefined;
    if (count === 'invalid') {
      return 'invalid';
    }
    if (count !== undefined) {
      total = (total ?? 0) + count;
    }
  }
  return total;
}

function choiceReasons(choices: unknown, name: string): string[] {
  if (!Array.isArray(choices)) {
    return [];
  }
  return choices.flatMap((choice) =>
    isRecord(choice) ? strings(choice[name]) : [],
  );
}

function strings(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? [value] : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
