import { describe, expect, it } from 'vitest';

import {
  CompletionSizes,
  completionSizeAttributes,
} from '../../../src/instrumentation/common/completion-sizes.js';

// Lengths of JSON count 1.5 times in the default measure.
const JSON_WEIGHT = 1.5;

describe('completionSizeAttributes', () => {
  it('sizes text and tool calls', () => {
    const input = { city: 'Oslo' };

    expect(
      completionSizeAttributes({
        text: ['Checking.', null, 'Done.'],
        toolCalls: ['get_weather', input, undefined, ''],
      }),
    ).toEqual({
      'tokenmeter.completion.components': ['text', 'tool_calls'],
      'tokenmeter.completion.sizes': [
        'Checking.Done.'.length,
        Math.round(
          ('get_weather'.length + JSON.stringify(input).length) * JSON_WEIGHT,
        ),
      ],
    });
  });

  it('writes nothing for a response without text or tool calls', () => {
    expect(completionSizeAttributes({ text: [''], toolCalls: [] })).toEqual({});
  });
});

describe('CompletionSizes', () => {
  it('adds up deltas to the sizes of the whole texts', () => {
    const sizes = new CompletionSizes();
    for (const delta of ['The weather ', 'is ', 'clear.']) {
      sizes.addText(delta);
    }
    sizes.addToolCall('get_weather');
    for (const delta of ['{"city":', '"Oslo"}']) {
      sizes.addToolCall(delta);
    }

    expect(sizes.attributes()).toEqual(
      completionSizeAttributes({
        text: ['The weather is clear.'],
        toolCalls: ['get_weather{"city":"Oslo"}'],
      }),
    );
  });

  it('ignores values that are not text', () => {
    const sizes = new CompletionSizes();
    sizes.addText(undefined);
    sizes.addText(42);
    sizes.addToolCall(null);

    expect(sizes.attributes()).toEqual({});
  });
});
