// The database baseline: node:http and the pg driver, nothing else, running the query the
// apps' GET /api/media runs (the newest 21 rows: one page of 20 and one to know there is a
// next page) and answering JSON for /api/media and a plain HTML list for /. The suite
// compares each app's GET /api/media and GET / against it.
//
//   PORT=3000 DATABASE_URL=postgres://... node servers/baseline.mjs
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const query = 'select * from "media" order by "created_at" desc, "id" desc limit 21';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

createServer(async (req, res) => {
  try {
    if (req.url === '/api/media') {
      const { rows } = await pool.query(query);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: rows.slice(0, 20), next: rows.length > 20 ? 'x' : null }));
    } else if (req.url === '/') {
      const { rows } = await pool.query(query);
      const items = rows
        .slice(0, 20)
        .map((r) => `<li><a href="/media/${escapeHtml(r.key)}">${escapeHtml(r.filename)}</a></li>`)
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>Media</title><ul>${items}</ul>`);
    } else if (req.url === '/readyz') {
      res.writeHead(200);
      res.end();
    } else {
      res.writeHead(404);
      res.end();
    }
  } catch {
    res.writeHead(503);
    res.end();
  }
}).listen(Number(process.env.PORT), '127.0.0.1');

process.on('SIGTERM', () => pool.end().then(() => process.exit(0)));
