import { describe, expect, it } from 'vitest';

import { StreamedMessage } from '../../../src/instrumentation/anthropic/streamed-message.js';

const START = {
  type: 'message_start',
  message: {
    id: 'msg_01Thinking',
    model: 'claude-opus-4-1-20250805',
    usage: { input_tokens: 49, output_tokens: 1 },
  },
};

function delta(fields: Record<string, unknown>) {
  return { type: 'content_block_delta', index: 0, delta: fields };
}

describe('StreamedMessage', () => {
  it('keeps text, thinking and tool input', () => {
    const message = new StreamedMessage(true);
    message.add(START);
    message.add(delta({ type: 'thinking_delta', thinking: 'Two plus two. ' }));
    message.add(delta({ type: 'signature_delta', signature: 'EvsCCkYI' }));
    message.add(delta({ type: 'text_delta', text: 'It is 4.' }));
    message.add(delta({ type: 'input_json_delta', partial_json: '{"a":' }));
    message.add(delta({ type: 'citations_delta', citation: {} }));

    expect(message.streamedText()).toBe('Two plus two. It is 4.{"a":');
  });

  it('sizes text and tool use only', () => {
    const message = new StreamedMessage(false);
    message.add(START);
    message.add(delta({ type: 'thinking_delta', thinking: 'Two plus two. ' }));
    message.add({
      type: 'content_block_start',
      index: 1,
      content_block: { type: 'text', text: 'It ' },
    });
    message.add(delta({ type: 'text_delta', text: 'is 4.' }));
    message.add({
      type: 'content_block_start',
      index: 2,
      content_block: { type: 'tool_use', name: 'add', input: {} },
    });
    message.add(delta({ type: 'input_json_delta', partial_json: '{"a":2}' }));

    expect(message.sizes.attributes()).toEqual({
      'tokenmeter.completion.components': ['text', 'tool_calls'],
      // Tool call JSON counts 1.5 times its length.
      'tokenmeter.completion.sizes': [
        'It is 4.'.length,
        Math.round('add{"a":2}'.length * 1.5),
      ],
    });
    expect(message.streamedText()).toBe('');
  });

  it('keeps no text when not asked to', () => {
    const message = new StreamedMessage(false);
    message.add(START);
    message.add(delta({ type: 'text_delta', text: 'It is 4.' }));

    expect(message.streamedText()).toBe('');
  });

  it('drops the text once the final usage arrives', () => {
    const message = new StreamedMessage(true);
    message.add(START);
    message.add(delta({ type: 'text_delta', text: 'It is 4.' }));
    message.add({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 186 },
    });

    expect(message.finalUsageSeen).toBe(true);
    expect(message.streamedText()).toBe('');
    expect(message.usage).toEqual({ input: 49, output: 186 });
    expect(message.details.stopReason).toBe('end_turn');
  });

  it('takes the model of a fallback block', () => {
    const message = new StreamedMessage(true);
    message.add(START);
    message.add({
      type: 'content_block_start',
      index: 1,
      content_block: {
        type: 'fallback',
        from: { model: 'claude-opus-4-1-20250805' },
        to: { model: 'claude-sonnet-4-5-20250929' },
      },
    });

    expect(message.details.model).toBe('claude-sonnet-4-5-20250929');
  });

  it('ignores events it does not know', () => {
    const message = new StreamedMessage(true);
    message.add(null);
    message.add('message_start');
    message.add({ type: 'content_block_start', content_block: null });
    message.add(delta(null as unknown as Record<string, unknown>));
    message.add({ type: 'message_start', message: null });

    expect(message.started).toBe(true);
    expect(message.usage).toEqual({});
    expect(message.details).toEqual({});
  });
});
