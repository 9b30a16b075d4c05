// From manifests and filters to the list of cells (app x database x storage) to run.
//
// `full` is every combination an app declares. `minimal` is a covering design: every app
// meets each of its databases and each of its storage backends at least once, in
// max(#databases, #storages) cells per app (3 for 2 databases x 3 backends, instead of 6).
// The pairing is rotated from one app to the next, so that with two or more apps every
// database x storage combination is still exercised by some app.
import {
  type AppManifest,
  DATABASES,
  type DatabaseKind,
  STORAGES,
  type StorageKind,
} from './manifest.js';

// `complement`: the cells of `full` that `minimal` leaves out, so a time-boxed CI can run
// `minimal` first and the rest only when the budget allows.
export type Coverage = 'minimal' | 'full' | 'complement';
export const COVERAGES: readonly Coverage[] = ['minimal', 'full', 'complement'];

export interface Cell {
  app: AppManifest;
  database: DatabaseKind;
  storage: StorageKind;
  /** `express-postgres-file`: used in project names, file names and the matrix. */
  id: string;
}

export interface Filters {
  apps?: readonly string[];
  databases?: readonly DatabaseKind[];
  storages?: readonly StorageKind[];
}

export class PlanError extends Error {
  override name = 'PlanError';
}

export function cellId(app: string, database: DatabaseKind, storage: StorageKind): string {
  return `${app}-${database}-${storage}`;
}

/** `express · postgres · file`, for people. */
export function cellLabel(
  cell: Pick<Cell, 'database' | 'storage'> & { app: { name: string } },
): string {
  return `${cell.app.name} · ${cell.database} · ${cell.storage}`;
}

function checkKnown<T extends string>(
  values: readonly string[] | undefined,
  allowed: readonly T[],
  flag: string,
): void {
  for (const value of values ?? []) {
    if (!(allowed as readonly string[]).includes(value)) {
      throw new PlanError(
        `${flag} ${JSON.stringify(value)}: unknown; choose from ${allowed.join(', ')}`,
      );
    }
  }
}

export function planCells(
  manifests: readonly AppManifest[],
  options: { coverage: Coverage; filters?: Filters },
): Cell[] {
  const filters = options.filters ?? {};
  checkKnown(filters.databases, DATABASES, '--db');
  checkKnown(filters.storages, STORAGES, '--storage');
  const names = manifests.map((m) => m.name);
  for (const app of filters.apps ?? []) {
    if (!names.includes(app)) {
      throw new PlanError(
        `--app ${JSON.stringify(app)}: no such app (apps: ${names.join(', ') || 'none'})`,
      );
    }
  }
  const selected = filters.apps?.length
    ? manifests.filter((m) => filters.apps?.includes(m.name))
    : manifests;
  const cells: Cell[] = [];
  for (const app of selected) {
    // The position among all apps, so `--app` alone never changes an app's pairing.
    const index = manifests.indexOf(app);
    const databases = app.databases.filter(
      (d) => !filters.databases?.length || filters.databases.includes(d),
    );
    const storages = app.storage.filter(
      (s) => !filters.storages?.length || filters.storages.includes(s),
    );
    if (databases.length === 0 || storages.length === 0) continue;
    const full: Array<[DatabaseKind, StorageKind]> = [];
    for (const database of databases) {
      for (const storage of storages) full.push([database, storage]);
    }
    const minimal: Array<[DatabaseKind, StorageKind]> = [];
    const count = Math.max(databases.length, storages.length);
    for (let i = 0; i < count; i++) {
      // Rotate by the app's position so different apps pair the axes differently.
      const database = databases[(i + index) % databases.length] as DatabaseKind;
      const storage = storages[i % storages.length] as StorageKind;
      minimal.push([database, storage]);
    }
    const inMinimal = ([d, s]: [DatabaseKind, StorageKind]) =>
      minimal.some(([md, ms]) => md === d && ms === s);
    const pairs =
      options.coverage === 'full'
        ? full
        : options.coverage === 'minimal'
          ? minimal
          : full.filter((pair) => !inMinimal(pair));
    for (const [database, storage] of pairs) {
      cells.push({ app, database, storage, id: cellId(app.name, database, storage) });
    }
  }
  if (cells.length === 0) {
    throw new PlanError(
      'the filters select no cell (check --app, --db and --storage against the manifests)',
    );
  }
  return cells;
}

/** The GitHub Actions matrix (`strategy.matrix`) for the cells: one job per cell. */
export function githubMatrix(cells: readonly Cell[]): {
  include: Array<{ app: string; db: DatabaseKind; storage: StorageKind; id: string }>;
} {
  return {
    include: cells.map((cell) => ({
      app: cell.app.name,
      db: cell.database,
      storage: cell.storage,
      id: cell.id,
    })),
  };
}
