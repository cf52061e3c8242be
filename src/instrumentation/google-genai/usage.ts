import { isRecord } from '../common/attributes.js';
import { readCount, type CallUsage } from '../common/span.js';

/** A count as reported: a valid number, `invalid`, or absent. */
type Reported = number | 'invalid' | undefined;

/**
 * The counts of a Gemini `usageMetadata` object, each validated. Counts are
 * per response, or cumulative up to a chunk of a stream.
 */
export interface ReportedUsage {
  /** The whole prompt, including `cachedContent`. */
  prompt?: Reported;
  /** The results of tool executions fed back to the model, apart from `prompt`. */
  toolUsePrompt?: Reported;
  /** The part of `prompt` read from the context cache. */
  cached?: Reported;
  /** The candidates' visible output, apart from `thoughts`. */
  candidates?: Reported;
  /** The thinking output, billed at the output rate. */
  thoughts?: Reported;
  /** Tokens by modality (`TEXT`, `IMAGE`, `AUDIO`, `VIDEO`, ...). */
  promptByModality: Record<string, number>;
  cachedByModality: Record<string, number>;
  candidatesByModality: Record<string, number>;
}

/** Reads the `usageMetadata` of a GenerateContentResponse or a chunk. */
export function readReportedUsage(metadata: unknown): ReportedUsage {
  const usage = isRecord(metadata) ? metadata : {};
  return {
    prompt: readField(usage.promptTokenCount),
    toolUsePrompt: readField(usage.toolUsePromptTokenCount),
    cached: readField(usage.cachedContentTokenCount),
    candidates: readField(usage.candidatesTokenCount),
    thoughts: readField(usage.thoughtsTokenCount),
    promptByModality: readModalities(usage.promptTokensDetails),
    cachedByModality: readModalities(usage.cacheTokensDetails),
    candidatesByModality: readModalities(usage.candidatesTokensDetails),
  };
}

/**
 * Converts Gemini's counts to the GenAI conventions. @google/genai 3.3
 * documents `totalTokenCount` as the sum of the prompt, candidates,
 * tool-use prompt and thoughts counts, so the four are disjoint:
 *
 * - input = `promptTokenCount` (cached content included) +
 *   `toolUsePromptTokenCount`, which is input fed back from tools;
 * - output = `candidatesTokenCount` + `thoughtsTokenCount`, since thinking
 *   is billed at the output rate on top of the candidates;
 * - cache read = `cachedContentTokenCount`, reasoning = `thoughtsTokenCount`.
 *
 * A sum is left out when one of its counts is invalid.
 */
export function toCallUsage(reported: ReportedUsage): CallUsage {
  return {
    inputTokens: sum(reported.prompt, reported.toolUsePrompt),
    outputTokens: sum(reported.candidates, reported.thoughts),
    cacheReadTokens: valid(reported.cached),
    reasoningTokens: valid(reported.thoughts),
    ...modalityCounts(reported),
  };
}

/** Tells whether any reported count was invalid, for a diagnostic. */
export function hasInvalidCount(reported: ReportedUsage): boolean {
  return [
    reported.prompt,
    reported.toolUsePrompt,
    reported.cached,
    reported.candidates,
    reported.thoughts,
  ].includes('invalid');
}

/**
 * Audio and image counts, which some models price apart. The cached part
 * of the prompt's audio is left out of the audio input, because it is
 * already counted, and priced, as a cache read.
 */
function modalityCounts(reported: ReportedUsage): CallUsage {
  const prompt = reported.promptByModality;
  const cached = reported.cachedByModality;
  const candidates = reported.candidatesByModality;
  return {
    inputAudioTokens: difference(prompt.AUDIO, cached.AUDIO),
    inputImageTokens: difference(prompt.IMAGE, cached.IMAGE),
    outputAudioTokens: candidates.AUDIO,
    outputImageTokens: candidates.IMAGE,
  };
}

/** Sums two counts; undefined when both are absent or either is invalid. */
function sum(first: Reported, second: Reported): number | undefined {
  if (first === 'invalid' || second === 'invalid') {
    return undefined;
  }
  if (first === undefined && second === undefined) {
    return undefined;
  }
  return (first ?? 0) + (second ?? 0);
}

function difference(
  whole: number | undefined,
  part: number | undefined,
): number | undefined {
  return whole === undefined ? undefined : Math.max(whole - (part ?? 0), 0);
}

function valid(value: Reported): number | undefined {
  return value === 'invalid' ? undefined : value;
}

function readField(value: unknown): Reported {
  if (value === undefined || value === null) {
    return undefined;
  }
  return readCount(value) ?? 'invalid';
}

/** Reads a `ModalityTokenCount[]` list into counts by modality. */
function readModalities(details: unknown): Record<string, number> {
  const counts: Record<string, number> = {};
  if (!Array.isArray(details)) {
    return counts;
  }
  for (const entry of details) {
    if (!isRecord(entry) || typeof entry.modality !== 'string') {
      continue;
    }
    const count = readCount(entry.tokenCount);
    if (count !== undefined) {
      counts[entry.modality] = (counts[entry.modality] ?? 0) + count;
    }
  }
  return counts;
}
