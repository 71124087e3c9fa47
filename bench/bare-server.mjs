// Baseline: a bare node:http server answering every request with fixed bytes (same body and content
// type): BARE_BODY, or the contents of the file BARE_BODY_FILE.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';

const body = process.env.BARE_BODY_FILE ? readFileSync(process.env.BARE_BODY_FILE) : Buffer.from(process.env.BARE_BODY ?? '{}');
const port = Number(process.env.PORT);
createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    res.end(body);
  });
}).listen(port, '127.0.0.1');
