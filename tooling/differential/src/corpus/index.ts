// The default corpus, in the order it is sent: uploads first (later requests refer to
// them), then every endpoint, the hostile requests, then the page and the list that show
// everything the corpus stored; last, what would leave the apps' contents apart.
import type { CorpusEntry } from '../types.js';
import { filenames } from './filenames.js';
import { forwardedProto, hosts, otherHeaders, requestIds } from './headers.js';
import { methods, paths } from './methods-paths.js';
import { framing, lyingBodies, parts, partTypes, sizes } from './multipart.js';
import {
  deletion,
  deletionWithBody,
  endpoints,
  formErrors,
  items,
  localMedia,
  pagination,
  setup,
  staticFiles,
} from './ordinary.js';

export const closing: CorpusEntry[] = [
  { name: 'GET / (after everything)', method: 'GET', path: '/' },
  {
    name: 'GET /api/media?limit=100 (after everything)',
    method: 'GET',
    path: '/api/media?limit=100',
    leftovers: true,
  },
];

/** Named groups, for running or reading a part of the corpus. */
export const corpusGroups: Readonly<Record<string, readonly CorpusEntry[]>> = {
  setup,
  endpoints,
  pagination,
  items,
  localMedia,
  staticFiles,
  formErrors,
  deletion,
  methods,
  paths,
  hosts,
  forwardedProto,
  requestIds,
  otherHeaders,
  partTypes,
  framing,
  parts,
  sizes,
  lyingBodies,
  filenames,
  closing,
  deletionWithBody,
};

export const defaultCorpus: readonly CorpusEntry[] = Object.values(corpusGroups).flat();
