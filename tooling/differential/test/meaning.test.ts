// The readings the differential compares pages and policies by (src/meaning.ts).
import { describe, expect, it } from 'vitest';
import { cspMeaning, htmlMeaning } from '../src/meaning.js';

const template = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Media &middot; X</title>
<link rel="stylesheet" href="/static/app.css?v=1">
</head>
<body>
<form class="upload" method="post" action="/upload" enctype="multipart/form-data">
<input id="file" type="file" name="file" required>
</form>
<ul class="grid"><li><a href="/a">a &amp; b</a></li><li><a href="/b">12 B · text/plain</a></li></ul>
</body>
</html>
`;

// The same page as React and Next.js write it: other attribute order, `/>`, `charSet`,
// `encType`, comments between texts, scripts, a preload hint, a hidden placeholder, the
// head in another order.
const react =
  '<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>' +
  '<link rel="preload" href="/static/app.css?v=1" as="style"/><script src="/_next/x.js" async=""></script>' +
  '<link rel="stylesheet" href="/static/app.css?v=1"/><title>Media · X</title></head><body>' +
  '<div hidden=""><!--$--><!--/$--></div>' +
  '<form class="upload" action="/upload" encType="multipart/form-data" method="post">' +
  '<input id="file" type="file" required="" name="file"/></form>' +
  '<ul class="grid"><li><a href="/a">a &amp; b</a></li><li><a href="/b">12 B<!-- --> · <!-- -->text/plain</a></li></ul>' +
  '<script>self.__next_f.push([1,"x"])</script></body></html>';

describe('htmlMeaning', () => {
  it('reads a template page and the same page rendered by React alike', () => {
    expect(htmlMeaning(react)).toBe(htmlMeaning(template));
  });

  it('still tells pages apart by their content, attributes and order', () => {
    const base = htmlMeaning(template);
    expect(htmlMeaning(template.replace('href="/b"', 'href="/c"'))).not.toBe(base);
    expect(htmlMeaning(template.replace('<li><a href="/a">a &amp; b</a></li>', ''))).not.toBe(base);
    expect(htmlMeaning(template.replace(' required', ''))).not.toBe(base);
    expect(htmlMeaning(template.replace('a &amp; b', 'b &amp; a'))).not.toBe(base);
    expect(htmlMeaning(template.replace('method="post"', 'method="get"'))).not.toBe(base);
    // A visible element a framework added is content.
    expect(htmlMeaning(template.replace('<body>', '<body><div>extra</div>'))).not.toBe(base);
  });
});

describe('cspMeaning', () => {
  const plain = "default-src 'self'; img-src 'self' data:; object-src 'none'";
  it('a per-response nonce that only restates default-src allows nothing more', () => {
    expect(
      cspMeaning(
        "default-src 'self'; script-src 'self' 'nonce-abc+/='; img-src 'self' data:; object-src 'none'",
      ),
    ).toBe(plain);
  });
  it('anything else a directive allows stays a difference', () => {
    expect(
      cspMeaning(
        "default-src 'self'; script-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'",
      ),
    ).not.toBe(plain);
    expect(cspMeaning("default-src 'self'; img-src 'self'; object-src 'none'")).not.toBe(plain);
    expect(cspMeaning("default-src *; img-src 'self' data:; object-src 'none'")).not.toBe(plain);
  });
});
