import { describe, expect, it } from 'vitest';
import { decodeEntities, findTags } from '../src/html.js';

describe('findTags', () => {
  it('reads attributes in any order and quoting, case-insensitively', () => {
    const html = `<FORM enctype='multipart/form-data' METHOD=post action="/upload"><input name=file type="file"></form>`;
    const [form] = findTags(html, 'form');
    expect(form?.attrs).toEqual({
      enctype: 'multipart/form-data',
      method: 'post',
      action: '/upload',
    });
    expect(findTags(html, 'input')[0]?.attrs).toEqual({ name: 'file', type: 'file' });
  });

  it('decodes entities in attribute values and keeps > inside quotes', () => {
    const [img] = findTags('<img alt="a &gt; b &amp; &#39;c&#x27;" src="/x?a=1&amp;b=2">', 'img');
    expect(img?.attrs.alt).toBe("a > b & 'c'");
    expect(img?.attrs.src).toBe('/x?a=1&b=2');
  });

  it('does not match longer tag names or text', () => {
    expect(findTags('<imgx src=a><p>img src=b</p>', 'img')).toEqual([]);
    expect(findTags('<img/>', 'img')).toHaveLength(1);
  });

  it('leaves unknown entities alone', () => {
    expect(decodeEntities('&nosuch; &lt;')).toBe('&nosuch; <');
  });
});
