// The document around the page: title, stylesheet and icon from the page's model (loaded by
// the request pipeline, src/requests.ts). Next adds the charset and viewport meta tags and
// its scripts (with the CSP nonce); there is no next/font: nothing is fetched at build.
import type { ReactNode } from 'react';
import { currentPage } from './current-page.ts';

// Every page under this layout is rendered per request, Next's built-in not-found page
// included (it is never served: the request pipeline answers unknown paths itself).
export const dynamic = 'force-dynamic';

export default function RootLayout({ children }: { children: ReactNode }) {
  const page = currentPage();
  return (
    <html lang="en">
      <head>
        <title>{page.title}</title>
        <link rel="stylesheet" href={page.stylesheet} />
        <link rel="icon" href={page.icon} type="image/svg+xml" />
      </head>
      <body>{children}</body>
    </html>
  );
}
