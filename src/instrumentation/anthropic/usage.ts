import { readCount, type CallUsage } from '../common/span.js';

/**
 * Token counts as Anthropic reports them, each validated. `input` excludes
 * cache reads and writes, and `output` includes `thinking`. A count that the
 * provider sent as null or left out is undefined. A count with an invalid
 * value, such as a negative number or a string, is `invalid`.
 */
export interface ReportedUsage {
  input?: number | 'invalid';
  cacheRead?: number | 'invalid';
  cacheWrite?: number | 'invalid';
  output?: number | 'invalid';
  thinking?: number | 'invalid';
  /** `cache_creation.ephemeral_1h_input_tokens`, part of `cacheWrite`. */
  cacheWrite1h?: number | 'invalid';
  /** `server_tool_use.web_search_requests`: web searches, billed apiece. */
  webSearches?: number | 'invalid';
  /** `service_tier`: `standard`, `priority` or `batch`. */
  serviceTier?: string;
}

type CountKey = Exclude<keyof ReportedUsage, 'serviceTier'>;

const FIELDS: ReadonlyArray<[CountKey, string]> = [
  ['input', 'input_tokens'],
  ['cacheRead', 'cache_read_input_tokens'],
  ['cacheWrite', 'cache_creation_input_tokens'],
  ['output', 'output_tokens'],
];

/**
 * Reads the `usage` object of a Message, or of a `message_start` or
 * `message_delta` event.
 */
export function readReportedUsage(usage: unknown): ReportedUsage {
  if (!isRecord(usage)) {
    return {};
  }

  const reported: ReportedUsage = {};
  for (const [key, field] of FIELDS) {
    reported[key] = readField(usage[field]);
  }
  const details = usage.output_tokens_details;
  if (isRecord(details)) {
    reported.thinking = readField(details.thinking_tokens);
  }
  const cacheCreation = usage.cache_creation;
  if (isRecord(cacheCreation)) {
    reported.cacheWrite1h = readField(cacheCreation.ephemeral_1h_input_tokens);
  }
  const serverTools = usage.server_tool_use;
  if (isRecord(serverTools)) {
    reported.webSearches = readField(serverTools.web_search_requests);
  }
  if (typeof usage.service_tier === 'string' && usage.service_tier !== '') {
    reported.serviceTier = usage.service_tier;
  }
  return reported;
}

/**
 * Combines the usage of `message_start` with a later report: every count
 * that the later report carries replaces the earlier one, because Anthropic
 * reports running totals, not increments. `message_delta` always carries the
 * final output count and, in newer API versions, repeats the input and cache
 * counts.
 */
export function mergeReportedUsage(
  earlier: ReportedUsage,
  later: ReportedUsage,
): ReportedUsage {
  const defined = Object.entries(later).filter(
    ([, value]) => value !== undefined,
  );
  return { ...earlier, ...(Object.fromEntries(defined) as ReportedUsage) };
}

/**
 * Converts Anthropic's counts to the GenAI conventions, whose input count
 * includes cache reads and writes. The input count is left out when it, or
 * a cache count the provider sent, is invalid, since the sum would be wrong.
 */
export function toCallUsage(reported: ReportedUsage): CallUsage {
  return {
    inputTokens: inputTotal(reported),
    outputTokens: validOrUndefined(reported.output),
    cacheReadTokens: validOrUndefined(reported.cacheRead),
    cacheWriteTokens: validOrUndefined(reported.cacheWrite),
    reasoningTokens: validOrUndefined(reported.thinking),
    cacheWrite1hTokens: validOrUndefined(reported.cacheWrite1h),
    webSearchCalls: validOrUndefined(reported.webSearches),
    serviceTier: reported.serviceTier,
  };
}

/** Tells whether any reported count was invalid, for a diagnostic. */
export function hasInvalidCount(reported: ReportedUsage): boolean {
  return Object.values(reported).includes('invalid');
}

function inputTotal(reported: ReportedUsage): number | undefined {
  const { input, cacheRead = 0, cacheWrite = 0 } = reported;
  if (
    typeof input !== 'number' ||
    cacheRead === 'invalid' ||
    cacheWrite === 'invalid'
  ) {
    return undefined;
  }
  return input + cacheRead + cacheWrite;
}

function readField(value: unknown): number | 'invalid' | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return readCount(value) ?? 'invalid';
}

function validOrUndefined(
  value: number | 'invalid' | undefined,
): number | undefined {
  return value === 'invalid' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
