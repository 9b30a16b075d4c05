// The database baseline: node:http and the pg driver, nothing else. GET /api/media runs the
// query the apps' list runs (the newest 21 rows: one page of 20 and one to know there is a
// next page) and answers JSON; GET / runs the query the apps' page runs (the newest 51 rows:
// up to 50 shown) and writes the same markup per item as their page, from one template
// literal, so that both sides send about as many bytes. The suite compares each app's
// GET /api/media and GET / against it.
//
//   PORT=3000 DATABASE_URL=postgres://... node servers/baseline.mjs
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const listQuery = 'select * from "media" order by "created_at" desc, "id" desc limit 21';
const pageQuery = 'select * from "media" order by "created_at" desc, "id" desc limit 51';

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

createServer(async (req, res) => {
  try {
    if (req.url === '/api/media') {
      const { rows } = await pool.query(listQuery);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: rows.slice(0, 20), next: rows.length > 20 ? 'x' : null }));
    } else if (req.url === '/') {
      const { rows } = await pool.query(pageQuery);
      const items = rows
        .slice(0, 50)
        .map((r) => {
          const url = `/api/media/${r.id}/content`;
          const name = escapeHtml(r.filename);
          const thumb = r.content_type.startsWith('image/')
            ? `<img src="${url}" alt="${name}" loading="lazy" decoding="async">`
            : 'FILE';
          return `<li><a href="${url}"><div class="thumb">${thumb}</div><div class="meta"><span class="name" title="${name}">${name}</span><span class="size">${r.size} B · ${escapeHtml(r.content_type)}</span></div></a></li>`;
        })
        .join('');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Media</title>\n</head>\n<body>\n<form method="post" action="/upload" enctype="multipart/form-data"><input type="file" name="file" required><button type="submit">Upload</button></form>\n<ul class="grid">${items}</ul>\n</body>\n</html>\n`,
      );
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
