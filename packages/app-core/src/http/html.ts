// The one HTML page (`GET /`): the newest uploads as a grid and an upload form that works
// without JavaScript; and the same page with an error, for the form's failed uploads. Every
// piece of user text goes through `escapeHtml`.
import type { Media, MediaService } from '../media/service.js';
import { assetUrl } from './static.js';

/** How many of the newest items the page shows. */
export const INDEX_PAGE_SIZE = 50;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Images a browser shows safely in `<img>` (SVG is excluded: it is served as a download). */
export function isThumbnailable(contentType: string): boolean {
  return contentType.startsWith('image/') && contentType !== 'image/svg+xml';
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

function label(contentType: string, filename: string): string {
  const ext = /\.([A-Za-z0-9]{1,5})$/.exec(filename)?.[1];
  return (ext ?? contentType.split('/')[1] ?? 'file').toUpperCase().slice(0, 5);
}

function item(item: PageItem): string {
  const name = escapeHtml(item.name);
  const url = escapeHtml(item.url);
  const thumb = item.thumbnail
    ? `<img src="${url}" alt="${name}" loading="lazy" decoding="async">`
    : escapeHtml(item.label);
  return `<li><a href="${url}"><div class="thumb">${thumb}</div><div class="meta"><span class="name" title="${name}">${name}</span><span class="size">${escapeHtml(item.detail)}</span></div></a></li>`;
}

/** What the page needs of the app's Runtime. */
export interface PageSource {
  media: Pick<MediaService, 'list'>;
  info: { framework: string };
  config: { maxUploadBytes: number };
}

/**
 * What the page shows, as data: every text and URL of it, ready for any renderer (the HTML
 * template below, or a React component in the Next.js app), so that every app's page says
 * the same thing whatever writes its markup.
 */
export interface PageModel {
  /** `<title>` and the `<h1>`. */
  title: string;
  /** The stylesheet's and the icon's URLs (with their content hash). */
  stylesheet: string;
  icon: string;
  /** `Any file up to 500 MB.`: shown next to the form; absent when the limit is not known. */
  limit?: string | undefined;
  /** Shown above the grid (after a failed upload from the form). */
  error?: string | undefined;
  items: readonly PageItem[];
}

export interface PageItem {
  id: string;
  name: string;
  /** The item's content URL: the link, and the `<img>` source of a thumbnail. */
  url: string;
  /** Shown as an `<img>` (images other than SVG); otherwise `label` stands in the tile. */
  thumbnail: boolean;
  /** `PNG`, `TXT`, ...: the extension, or the subtype. */
  label: string;
  /** `12.3 KB · image/png`. */
  detail: string;
}

function pageSettings(source: PageSource): Pick<IndexPageOptions, 'framework' | 'maxUploadBytes'> {
  const { framework } = source.info;
  return {
    framework: framework.charAt(0).toUpperCase() + framework.slice(1),
    maxUploadBytes: source.config.maxUploadBytes,
  };
}

/** The model of the `GET /` page: the newest 50 items (a failing list rejects). */
export async function indexPageModel(source: PageSource): Promise<PageModel> {
  const { items } = await source.media.list({ limit: INDEX_PAGE_SIZE });
  return pageModel({ items, ...pageSettings(source) });
}

/** The `GET /` page: the newest 50 items (a failing list fails the page: a JSON error). */
export async function indexPage(source: PageSource): Promise<string> {
  return renderPage(await indexPageModel(source));
}

/**
 * The page again with `message` above the grid: how the form's route (`POST /upload`)
 * answers its errors. It still renders, without items, when the list fails too.
 */
export async function errorPage(source: PageSource, message: string): Promise<string> {
  let items: Media[] = [];
  try {
    ({ items } = await source.media.list({ limit: INDEX_PAGE_SIZE }));
  } catch {
    // The error the user must see is the upload's; the page renders without the list.
  }
  return renderPage(pageModel({ items, error: message, ...pageSettings(source) }));
}

export interface IndexPageOptions {
  items: readonly Media[];
  /** Shown above the grid (after a failed upload from the form). */
  error?: string | undefined;
  /** The framework's name, shown in the header (`Express`, `Koa`, ...). */
  framework?: string;
  /** The largest accepted upload, shown next to the form. */
  maxUploadBytes?: number;
}

/** The page's texts and URLs for `options`. */
export function pageModel(options: IndexPageOptions): PageModel {
  return {
    title: options.framework ? `Media · ${options.framework} on Divio` : 'Media on Divio',
    stylesheet: assetUrl('app.css'),
    icon: assetUrl('favicon.svg'),
    limit:
      options.maxUploadBytes === undefined
        ? undefined
        : `Any file up to ${formatBytes(options.maxUploadBytes)}.`,
    error: options.error || undefined,
    items: options.items.map((media) => ({
      id: media.id,
      name: media.filename,
      url: media.url,
      thumbnail: isThumbnailable(media.contentType),
      label: label(media.contentType, media.filename),
      detail: `${formatBytes(media.size)} · ${media.contentType}`,
    })),
  };
}

/** The complete `GET /` page (`text/html; charset=utf-8`). */
export function renderIndexPage(options: IndexPageOptions): string {
  return renderPage(pageModel(options));
}

/** The page of `model` as HTML. Every piece of text goes through `escapeHtml`. */
export function renderPage(model: PageModel): string {
  const limit = model.limit === undefined ? '' : `<p>${escapeHtml(model.limit)}</p>`;
  const error = model.error ? `<p class="error" role="alert">${escapeHtml(model.error)}</p>` : '';
  const list =
    model.items.length === 0
      ? '<p class="empty">Nothing uploaded yet.</p>'
      : `<ul class="grid">${model.items.map(item).join('')}</ul>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(model.title)}</title>
<link rel="stylesheet" href="${escapeHtml(model.stylesheet)}">
<link rel="icon" href="${escapeHtml(model.icon)}" type="image/svg+xml">
</head>
<body>
<header><h1>${escapeHtml(model.title)}</h1>${limit}</header>
<main>
<form class="upload" method="post" action="/upload" enctype="multipart/form-data">
<label for="file">File</label>
<input id="file" type="file" name="file" required>
<button type="submit">Upload</button>
</form>
${error}
${list}
</main>
<footer>Newest first · a reference app for twelve-factor Node on Divio</footer>
</body>
</html>
`;
}
