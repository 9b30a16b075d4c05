import { describe, expect, it } from 'vitest';
import { escapeHtml, formatBytes, renderIndexPage } from '../src/html.js';
import type { Media } from '../src/media-service.js';

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
