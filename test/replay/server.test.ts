import { writeFileSync, mkdtempSync } from 'node:fs';
import { connect } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadRecording, type Recording } from '../../src/replay/recording.js';
import { ReplayServer } from '../../src/replay/server.js';
import {
  decodeBase64Chunks,
  encodeBase64Chunks,
  type StreamMessage,
} from '../support/event-stream.js';

const MESSAGES: StreamMessage[] = [
  { event: 'messageStart', payload: { role: 'assistant' } },
  { event: 'messageStop', payload: { stopReason: 'end_turn' } },
];

const RECORDING: Recording = {
  provider: 'bedrock',
  exchanges: [
    {
      request: {
        method: 'POST',
        url: 'https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse-stream',
      },
      response: {
        status: 200,
        headers: { 'content-type': 'application/vnd.amazon.eventstream' },
        bodyBase64: encodeBase64Chunks(MESSAGES),
      },
    },
    {
      request: { method: 'POST', url: 'https://api.example.com/v1/echo' },
      response: { status: 200, body: { ok: true } },
    },
    {
      request: {
        method: 'POST',
        url: 'https://api.example.com/v1/chat',
        body: { model: 'm', stream: false },
      },
      response: { status: 200, body: { reply: 'plain' } },
    },
  ],
};

let server: ReplayServer;

beforeAll(async () => {
  server = new ReplayServer({ recordings: [RECORDING] });
  await server.start();
});
afterAll(() => server.close());

/** Sends a request over cleartext HTTP/2 and returns the status and body. */
async function http2Post(path: string) {
  const session = connect(server.origin);
  try {
    const request = session.request({ ':method': 'POST', ':path': path });
    request.end('{}');
    const chunks: Buffer[] = [];
    let status = 0;
    request.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    for await (const chunk of request) {
      chunks.push(chunk as Buffer);
    }
    return { status, body: Buffer.concat(chunks) };
  } finally {
    session.close();
  }
}

describe('ReplayServer', () => {
  it('sends a binary body byte for byte', async () => {
    const response = await fetch(`${server.origin}/model/m/converse-stream`, {
      method: 'POST',
      body: '{}',
    });
    const bytes = Buffer.from(await response.arrayBuffer());

    expect(response.headers.get('content-type')).toBe(
      'application/vnd.amazon.eventstream',
    );
    expect(bytes).toEqual(
      Buffer.concat(
        RECORDING.exchanges[0]!.response.bodyBase64!.map((chunk) =>
          Buffer.from(chunk, 'base64'),
        ),
      ),
    );
  });

  it('serves HTTP/2 and HTTP/1.1 on one port', async () => {
    const overHttp2 = await http2Post('/v1/echo');
    const overHttp1 = await fetch(`${server.origin}/v1/echo`, {
      method: 'POST',
      body: '{}',
    });

    expect(overHttp2.status).toBe(200);
    expect(JSON.parse(overHttp2.body.toString('utf8'))).toEqual({ ok: true });
    expect(await overHttp1.json()).toEqual({ ok: true });
  });

  it('decodes the event stream messages it sends', async () => {
    const { body } = await http2Post('/model/m/converse-stream');
    const chunks = RECORDING.exchanges[0]!.response.bodyBase64!;

    expect(body.length).toBe(
      chunks.reduce(
        (sum, chunk) => sum + Buffer.from(chunk, 'base64').length,
        0,
      ),
    );
    expect(decodeBase64Chunks(chunks)).toEqual(MESSAGES);
  });
});

describe('ReplayServer matching', () => {
  it('matches a stream request to streams only', async () => {
    const response = await fetch(`${server.origin}/v1/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', stream: true }),
    });
    const body = (await response.json()) as { error: { message: string } };

    expect(response.status).toBe(404);
    expect(body.error.message).toBe(
      'No recorded exchange matches POST /v1/chat with stream: true. ' +
        'Add a recording of such a request to the folder being served.',
    );
  });

  it('matches a plain request to the closest', async () => {
    const response = await fetch(`${server.origin}/v1/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'other' }),
    });

    expect(await response.json()).toEqual({ reply: 'plain' });
  });
});

describe('loadRecording', () => {
  it('rejects a bodyBase64 that is not a list of base64 strings', () => {
    const folder = mkdtempSync(join(tmpdir(), 'recording-'));
    const path = join(folder, 'bad.json');
    const bad = structuredClone(RECORDING);
    (bad.exchanges[0]!.response as any).bodyBase64 = 'AAAA';
    writeFileSync(path, JSON.stringify(bad));

    expect(() => loadRecording(path)).toThrow(
      /exchanges\[0\]\.response\.bodyBase64 must be an array of base64 strings/,
    );
  });
});
