// The harness as a library: the CLI (src/cli.ts) is built from these pieces.
export { type CheckResult, checkCompose, checkDockerfile, checkDrifts } from './check.js';
export { type ComposeCli, ComposeProject, composeArgs, detectCompose } from './compose.js';
export * from './conventions.js';
export {
  type DivioUpResult,
  divioUp,
  parsePortAnswer,
  renderDivioUpTable,
} from './divio-up.js';
export { type LintFinding, lintDockerfile } from './docker-lint.js';
export {
  COPIED_FILES,
  type CopiedFile,
  checkDrift,
  DECLARED_DIFFERENCES,
  type DeclaredDifference,
  type DriftFinding,
} from './drift.js';
export { type ImageSource, imageVariables, LOCAL_IMAGES } from './images.js';
export {
  type AppManifest,
  DATABASES,
  type DatabaseKind,
  loadManifest,
  loadManifests,
  MANIFEST_SCHEMA_PATH,
  ManifestError,
  parseManifest,
  STORAGES,
  type StorageKind,
} from './manifest.js';
export {
  type ComposeConfig,
  cellEnvironment,
  checkComposeConfig,
  parseComposeConfig,
  renderOverride,
} from './override.js';
export { defaultJobs } from './parallelism.js';
export { type Cell, type Coverage, cellLabel, githubMatrix, planCells } from './plan.js';
export { renderJson, renderMarkdown, renderTable, type Summary, summarize } from './report.js';
export { type CellResult, runCell } from './run-cell.js';
export { runMatrix } from './runner.js';
