// @divio-samples/differential: the same requests to every sample app, the answers compared.
export { type AppDir, discoverApps } from './apps.js';
export { ABSENT, compareObservations } from './compare.js';
export {
  BOUNDARY,
  browserEscape,
  FORM_TYPE,
  type FormPart,
  filePart,
  form,
  raw,
  rawHead,
  textPart,
  upload,
} from './corpus/form.js';
export { closing, corpusGroups, defaultCorpus } from './corpus/index.js';
export { flattenJson, type NormaliseContext, normaliseText, observe } from './normalise.js';
export { freePort, type StartedApp, startApp } from './process.js';
export { parseResponses } from './raw-response.js';
export { formatDifference, formatReport, formatValues } from './report.js';
export {
  checkCorpus,
  DEFAULT_HEADERS,
  type DifferentialResult,
  observeApp,
  runDifferential,
} from './run.js';
export type {
  Answer,
  AppTarget,
  CorpusEntry,
  Difference,
  Header,
  Observation,
  RawRequest,
} from './types.js';
