export { defineAppSuite } from './app-suite.js';
export { startAppServer, startBuiltServer } from './built-server.js';
export {
  type Cell,
  type CellDatabase,
  type CellStorage,
  databaseAvailable,
  useCell,
} from './cell.js';
export { defineBrowserCell, defineContractCells } from './contract.js';
export { baseEnv, freePort, type RunningProcess, runNode, waitForOk } from './process.js';
export { defineShutdownSuite } from './shutdown-suite.js';
export { defineStartSuite } from './start-suite.js';
export {
  type AppUnderTest,
  displayName,
  type ListenOptions,
  type ServerUnderTest,
  type StartedServer,
} from './types.js';
