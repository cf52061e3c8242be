import { EventStreamCodec, type Message } from '@smithy/eventstream-codec';

/**
 * Encodes and decodes AWS event stream messages
 * (`application/vnd.amazon.eventstream`), the binary framing of Bedrock's
 * streamed responses: each message has a prelude, typed headers, a payload
 * and CRC32 checksums.
 */
const codec = new EventStreamCodec(
  (text) => new TextDecoder().decode(text),
  (text) => new TextEncoder().encode(text),
);

/** One message of a Bedrock response stream, before encoding. */
export type StreamMessage =
  /** An event such as `messageStart` or `chunk`, with its JSON payload. */
  | { event: string; payload: unknown }
  /** A modelled error such as `throttlingException`, sent mid-stream. */
  | { exception: string; message: string };

/** Encodes one message as Bedrock sends it. */
export function encodeMessage(message: StreamMessage): Uint8Array {
  if ('exception' in message) {
    return codec.encode({
      headers: {
        ':message-type': { type: 'string', value: 'exception' },
        ':exception-type': { type: 'string', value: message.exception },
        ':content-type': { type: 'string', value: 'application/json' },
      },
      body: jsonBytes({ message: message.message }),
    });
  }

  return codec.encode({
    headers: {
      ':message-type': { type: 'string', value: 'event' },
      ':event-type': { type: 'string', value: message.event },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: jsonBytes(message.payload),
  });
}

/** Encodes messages as the `bodyBase64` chunks of a recording. */
export function encodeBase64Chunks(messages: StreamMessage[]): string[] {
  return messages.map((message) =>
    Buffer.from(encodeMessage(message)).toString('base64'),
  );
}

/** Decodes the `bodyBase64` chunks of a recording, one message per chunk. */
export function decodeBase64Chunks(chunks: string[]): StreamMessage[] {
  return chunks.map((chunk) => decodeMessage(Buffer.from(chunk, 'base64')));
}

function decodeMessage(bytes: Uint8Array): StreamMessage {
  const message: Message = codec.decode(bytes);
  const header = (name: string) => String(message.headers[name]?.value ?? '');
  const payload: unknown = JSON.parse(new TextDecoder().decode(message.body));

  if (header(':message-type') === 'exception') {
    return {
      exception: header(':exception-type'),
      message: (payload as { message: string }).message,
    };
  }
  return { event: header(':event-type'), payload };
}

/**
 * Wraps a model's native JSON event as InvokeModelWithResponseStream sends
 * it: a `chunk` event whose `bytes` field carries the JSON, base64-encoded.
 */
export function invokeModelChunk(body: unknown): StreamMessage {
  return {
    event: 'chunk',
    payload: { bytes: Buffer.from(JSON.stringify(body)).toString('base64') },
  };
}

/** Reads the model's JSON event back out of a `chunk` message. */
export function chunkBody(message: StreamMessage): unknown {
  if (!('event' in message) || message.event !== 'chunk') {
    return undefined;
  }
  const { bytes } = message.payload as { bytes: string };
  return JSON.parse(Buffer.from(bytes, 'base64').toString('utf8'));
}

function jsonBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}
