// A tiny keep-alive HTTP target for the probe benchmark, in its own process (its CPU is not the console's).
import { createServer } from 'node:http';
const srv = createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
});
srv.keepAliveTimeout = 60_000;
srv.listen(0, '127.0.0.1', () => process.send?.(srv.address().port));
