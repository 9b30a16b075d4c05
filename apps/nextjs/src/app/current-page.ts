import type { PageModel } from '@divio-samples/app-core';
import { bridge } from '../bridge.ts';

/** The model of the page being rendered, as the request pipeline loaded it for this request. */
export function currentPage(): PageModel {
  const page = bridge().page.getStore();
  if (!page) throw new Error('no page model: the page renders through the request pipeline');
  return page;
}
