// A pre-create hook endpoint for the e2e run: refuses uploads whose filename contains "forbidden".
// Usage: node hook-server.mjs PORT
import http from 'node:http';

const port = Number(process.argv[2]);
http
  .createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const event = JSON.parse(body || '{}');
      const name = event?.Upload?.MetaData?.filename ?? '';
      if (event.Type === 'pre-create' && name.includes('forbidden')) {
        response.writeHead(403, { 'Content-Type': 'text/plain' });
        response.end('Files named like that are not accepted by the e2e hook');
        return;
      }
      response.writeHead(200);
      response.end();
    });
  })
  .listen(port, '127.0.0.1');
