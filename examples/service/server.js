// An HTTP service with three AI features. Start it with tokenmeter:
//
//   node --import tokenmeter/register examples/service/server.js
//
// then POST a question to /chat, /ask-docs or /weather-agent.
import { createServer } from 'node:http';

import { askDocs, chat, weatherAgent } from './features.js';

const ROUTES = {
  '/chat': chat,
  '/ask-docs': askDocs,
  '/weather-agent': weatherAgent,
};

const port = Number(process.env.PORT ?? 3000);

const server = createServer(async (request, response) => {
  const feature = ROUTES[request.url ?? ''];
  if (request.method !== 'POST' || !feature) {
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end(
      `POST a question to one of ${Object.keys(ROUTES).join(', ')}\n`,
    );
    return;
  }

  let question = '';
  for await (const chunk of request) {
    question += chunk;
  }

  try {
    const answer = await feature(question.trim() || 'Hello');
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end(`${answer}\n`);
  } catch (error) {
    response.writeHead(502, { 'content-type': 'text/plain' });
    response.end(`The model call failed: ${error.message}\n`);
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`Example service listening on http://127.0.0.1:${port}`);
});
