import { describe, expect, it } from 'vitest';
import {
  errorPage,
  escapeHtml,
  formatBytes,
  INDEX_PAGE_SIZE,
  indexPage,
  indexPageModel,
  renderIndexPage,
  renderPage,
} from '../../src/http/html.js';
import type { Media } from '../../src/media/service.js';

const media = (over: Partial<Media>): Media => ({
  id: '0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11',
  key: 'media/0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11.png',
  filename: 'photo.png',
  contentType: 'image/png',
  size: 12345,
  url: '/api/media/0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11/content',
  createdAt: '2026-11-27T10:00:00.000Z',
  ...over,
});

describe('renderIndexPage', () => {
  it('has the upload form that works without JavaScript and the stylesheet', () => {
    const html = renderIndexPage({ items: [] });
    expect(html).toContain(
      '<form class="upload" method="post" action="/upload" enctype="multipart/form-data">',
    );
    expect(html).toContain('<input id="file" type="file" name="file" required>');
    expect(html).toMatch(/<link rel="stylesheet" href="\/static\/app\.css(\?v=[0-9a-f]+)?">/);
    expect(html).not.toContain('<script');
    expect(html).toContain('Nothing uploaded yet.');
  });

  it('shows images as thumbnails, SVG and other files as links', () => {
    const html = renderIndexPage({
      items: [
        media({}),
        media({
          id: 'b',
          url: '/api/media/b/content',
          filename: 'd.svg',
          contentType: 'image/svg+xml',
        }),
        media({
          id: 'c',
          url: '/api/media/c/content',
          filename: 'r.pdf',
          contentType: 'application/pdf',
        }),
      ],
    });
    expect(html).toContain('<img src="/api/media/0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11/content"');
    expect(html).not.toContain('<img src="/api/media/b/content"');
    expect(html).toContain('<a href="/api/media/b/content">');
    expect(html).toContain('<a href="/api/media/c/content">');
  });

  it('escapes every piece of user text', () => {
    const evil = `<script>alert("x")</script>'&.png`;
    const html = renderIndexPage({
      items: [media({ filename: evil })],
      error: '<b>bad</b>',
    });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>bad</b>');
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain('&lt;b&gt;bad&lt;/b&gt;');
  });
});

describe('indexPage and errorPage', () => {
  const source = (list: (options: { limit?: number }) => Promise<{ items: Media[] }>) => ({
    media: {
      list: async (options: { limit?: number } = {}) => ({
        ...(await list(options)),
        nextCursor: null,
      }),
    },
    info: { framework: 'koa' },
    config: { maxUploadBytes: 5_242_880 },
  });
  const limits: (number | undefined)[] = [];
  const working = source(async ({ limit }) => {
    limits.push(limit);
    return { items: [media({ filename: 'listed.png' })] };
  });
  const failing = source(() => Promise.reject(new Error('database down')));

  it('the page lists the newest 50 items, with the framework and the upload limit', async () => {
    const html = await indexPage(working);
    expect(limits.at(-1)).toBe(INDEX_PAGE_SIZE);
    expect(INDEX_PAGE_SIZE).toBe(50);
    expect(html).toContain('listed.png');
    expect(html).toContain('<title>Media · Koa on Divio</title>');
    expect(html).toContain('Any file up to 5.2 MB.');
    expect(html).not.toContain('role="alert"');
  });

  it('a failing list fails the page (the app answers with its JSON error)', async () => {
    await expect(indexPage(failing)).rejects.toThrow('database down');
    await expect(indexPageModel(failing)).rejects.toThrow('database down');
  });

  it('the model holds what the page shows, and the page is its rendering', async () => {
    const model = await indexPageModel(working);
    expect(model).toMatchObject({
      title: 'Media · Koa on Divio',
      limit: 'Any file up to 5.2 MB.',
      stylesheet: expect.stringMatching(/^\/static\/app\.css/),
      items: [
        {
          name: 'listed.png',
          url: '/api/media/0b6f7c5e-8a7d-4a8e-9a55-3f1f2a9c0c11/content',
          thumbnail: true,
          label: 'PNG',
          detail: '12 KB · image/png',
        },
      ],
    });
    expect(model.error).toBeUndefined();
    expect(renderPage(model)).toBe(await indexPage(working));
  });

  it.each([
    ['the list works', working, true],
    ['the list fails too', failing, false],
  ])('the error page shows the error when %s', async (_name, from, listed) => {
    const html = await errorPage(from, 'The upload is larger than 5242880 bytes');
    expect(html).toContain(
      '<p class="error" role="alert">The upload is larger than 5242880 bytes</p>',
    );
    expect(html).toContain('<form class="upload"');
    expect(html.includes('listed.png')).toBe(listed);
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 KB'],
    [12345, '12 KB'],
    [524_288_000, '524 MB'],
  ])('%d -> %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
