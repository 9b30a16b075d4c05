// `GET /`: the newest 50 uploads and the upload form, a React Server Component rendered on
// every request (`force-dynamic`: nothing about it is built at build time, when there is no
// database). The form posts to the `/upload` route handler and works without JavaScript.
// Its model (texts, URLs) is app-core's, the same every app renders.
import type { PageItem } from '@divio-samples/app-core';
import { currentPage } from './current-page.ts';

export const dynamic = 'force-dynamic';

function Item({ item }: { item: PageItem }) {
  return (
    <li>
      <a href={item.url}>
        <div className="thumb">
          {item.thumbnail ? (
            // A plain <img>, not next/image: uploads live in the database's storage (or an
            // object store), and there is no image optimiser (images.unoptimized).
            // biome-ignore lint/performance/noImgElement: see above
            <img src={item.url} alt={item.name} loading="lazy" decoding="async" />
          ) : (
            item.label
          )}
        </div>
        <div className="meta">
          <span className="name" title={item.name}>
            {item.name}
          </span>
          <span className="size">{item.detail}</span>
        </div>
      </a>
    </li>
  );
}

export default function Page() {
  const page = currentPage();
  return (
    <>
      <header>
        <h1>{page.title}</h1>
        {page.limit === undefined ? null : <p>{page.limit}</p>}
      </header>
      <main>
        <form className="upload" method="post" action="/upload" encType="multipart/form-data">
          <label htmlFor="file">File</label>
          <input id="file" type="file" name="file" required />
          <button type="submit">Upload</button>
        </form>
        {page.error ? (
          <p className="error" role="alert">
            {page.error}
          </p>
        ) : null}
        {page.items.length === 0 ? (
          <p className="empty">Nothing uploaded yet.</p>
        ) : (
          <ul className="grid">
            {page.items.map((item) => (
              <Item key={item.id} item={item} />
            ))}
          </ul>
        )}
      </main>
      <footer>Newest first · a reference app for twelve-factor Node on Divio</footer>
    </>
  );
}
