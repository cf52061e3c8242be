import { describe, expect, it } from 'vitest';

import {
  hasInvalidCount,
  readReportedUsage,
  toCallUsage,
} from '../../../src/instrumentation/google-genai/usage.js';

describe('Gemini usage conversion', () => {
  it('leaves the input out when a count in its sum is invalid', () => {
    const reported = readReportedUsage({
      promptTokenCount: 10,
      toolUsePromptTokenCount: 'many',
      candidatesTokenCount: 4,
    });

    expect(hasInvalidCount(reported)).toBe(true);
    expect(toCallUsage(reported)).toMatchObject({
      inputTokens: undefined,
      outputTokens: 4,
    });
  });

  it('counts thoughts as output when no candidates were returned', () => {
    const usage = toCallUsage(
      readReportedUsage({ promptTokenCount: 10, thoughtsTokenCount: 250 }),
    );

    expect(usage).toMatchObject({ outputTokens: 250, reasoningTokens: 250 });
  });

  it('leaves cached audio out of the audio input', () => {
    const usage = toCallUsage(
      readReportedUsage({
        promptTokenCount: 3000,
        cachedContentTokenCount: 2000,
        promptTokensDetails: [
          { modality: 'TEXT', tokenCount: 500 },
          { modality: 'AUDIO', tokenCount: 2500 },
        ],
        cacheTokensDetails: [{ modality: 'AUDIO', tokenCount: 2000 }],
        candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }],
        candidatesTokenCount: 1290,
      }),
    );

    expect(usage).toMatchObject({
      inputTokens: 3000,
      cacheReadTokens: 2000,
      inputAudioTokens: 500,
      outputImageTokens: 1290,
    });
  });

  it('reports nothing for missing usage metadata', () => {
    expect(toCallUsage(readReportedUsage(undefined))).toMatchObject({
      inputTokens: undefined,
      outputTokens: undefined,
    });
  });
});
