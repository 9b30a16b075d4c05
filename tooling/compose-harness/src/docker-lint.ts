// A Dockerfile lint for the rules every sample app's image follows (the platform runs the
// image, not the compose file):
//
//   base-from-arg        every external base image comes from a global ARG whose default is
//                        a tagged reference (`ARG NODE_IMAGE=node:24-bookworm-slim`,
//                        `FROM ${NODE_IMAGE}`): pinned, and replaceable for local stand-ins
//   non-root-user        the final stage runs as a user other than root
//   cmd-exec-form        the final stage has a CMD in exec form (`CMD ["node", "dist/server.js"]`),
//                        so signals reach Node and the platform can replace it (release command)
//   no-server-entrypoint no ENTRYPOINT that starts the app (only an init wrapper such as tini)
//   expose-port          EXPOSE of the app's port (80)
//   healthcheck          a HEALTHCHECK in the final stage
//
// The parser follows the Dockerfile reference for what these rules need: parser
// directives, comments, `\` line continuations, JSON (exec) and shell forms, and stages.

export interface Instruction {
  keyword: string;
  /** The arguments as written, continuation lines joined. */
  args: string;
  /** 1-based line of the instruction's first line. */
  line: number;
}

export interface Stage {
  from: Instruction;
  /** The base image reference as written (`${NODE_IMAGE}`, `build`, `node:24`). */
  base: string;
  name?: string;
  instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** ARGs before the first FROM, with their defaults (undefined when none). */
  globalArgs: Map<string, string | undefined>;
  stages: Stage[];
}

export interface LintFinding {
  rule: string;
  line: number;
  message: string;
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.split(/\r?\n/);
  let escapeChar = '\\';
  const instructions: Instruction[] = [];
  let index = 0;
  // Parser directives: `# directive=value` lines at the very top.
  while (index < lines.length) {
    const match = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[index] ?? '');
    if (!match) break;
    if (match[1]?.toLowerCase() === 'escape' && (match[2] === '`' || match[2] === '\\'))
      escapeChar = match[2];
    index++;
  }
  for (; index < lines.length; index++) {
    const first = lines[index] ?? '';
    const trimmed = first.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const start = index + 1;
    let joined = '';
    let current = first;
    for (;;) {
      const body = current.replace(/\s+$/, '');
      if (body.endsWith(escapeChar)) {
        joined += `${body.slice(0, -1)} `;
        // Continuation: skip comment and empty lines inside it.
        index++;
        while (index < lines.length && /^\s*(#.*)?$/.test(lines[index] ?? '')) index++;
        if (index >= lines.length) break;
        current = lines[index] ?? '';
      } else {
        joined += body;
        break;
      }
    }
    const match = /^\s*(\S+)\s*(.*)$/s.exec(joined);
    if (!match) continue;
    instructions.push({
      keyword: (match[1] ?? '').toUpperCase(),
      args: (match[2] ?? '').trim(),
      line: start,
    });
  }

  const globalArgs = new Map<string, string | undefined>();
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const base = words[0] ?? '';
      const name =
        words.length >= 3 && words[1]?.toUpperCase() === 'AS' ? words[2]?.toLowerCase() : undefined;
      stages.push({ from: instruction, base, ...(name ? { name } : {}), instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        for (const [key, value] of parseArgs(instruction.args)) globalArgs.set(key, value);
      }
    } else {
      stages[stages.length - 1]?.instructions.push(instruction);
    }
  }
  return { globalArgs, stages };
}

function unquote(value: string): string {
  if (value.length >= 2 && (value[0] === '"' || value[0] === "'") && value.at(-1) === value[0]) {
    return value.slice(1, -1);
  }
  return value;
}

/** `ARG A=1 B` -> [['A', '1'], ['B', undefined]] */
function parseArgs(args: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  for (const word of args.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? []) {
    const eq = word.indexOf('=');
    if (eq === -1) out.push([word, undefined]);
    else out.push([word.slice(0, eq), unquote(word.slice(eq + 1))]);
  }
  return out;
}

/** Exec form: a JSON array of strings. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: Docker runs it in shell form
  }
  return undefined;
}

const VARIABLE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Whether an image reference names a tag or digest other than `latest`. */
export function isTaggedReference(reference: string): boolean {
  if (reference.includes('@sha256:')) return true;
  const lastSegment = reference.split('/').pop() ?? '';
  const colon = lastSegment.lastIndexOf(':');
  if (colon === -1) return false;
  const tag = lastSegment.slice(colon + 1);
  return tag !== '' && tag !== 'latest';
}

const INIT_WRAPPERS = new Set(['tini', 'dumb-init', 'docker-init', 'docker-entrypoint.sh']);

/** The final stage and the stages it builds on (`FROM build AS runtime` -> [runtime, build]). */
function stageChain(parsed: ParsedDockerfile): Stage[] {
  const chain: Stage[] = [];
  let stage = parsed.stages.at(-1);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const base = stage.base.toLowerCase();
    const index = parsed.stages.indexOf(stage);
    stage = parsed.stages.slice(0, index).find((s) => s.name === base);
  }
  return chain;
}

/** The last instruction with this keyword that applies to the final stage. */
function effective(chain: Stage[], keyword: string): Instruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.keyword === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

export function lintDockerfile(text: string, options: { port?: number } = {}): LintFinding[] {
  const port = options.port ?? 80;
  const parsed = parseDockerfile(text);
  const findings: LintFinding[] = [];
  const add = (rule: string, line: number, message: string) =>
    findings.push({ rule, line, message });
  if (parsed.stages.length === 0) {
    add('base-from-arg', 1, 'no FROM instruction');
    return findings;
  }

  const stageNames = new Set<string>();
  for (const stage of parsed.stages) {
    const base = stage.base;
    if (stageNames.has(base.toLowerCase()) || base === 'scratch') {
      if (stage.name) stageNames.add(stage.name);
      continue;
    }
    const variables = [...base.matchAll(VARIABLE)];
    if (variables.length === 0) {
      add(
        'base-from-arg',
        stage.from.line,
        `FROM ${base}: name the base image through a global ARG with a tagged default (ARG NODE_IMAGE=node:24-bookworm-slim, FROM \${NODE_IMAGE})`,
      );
    } else {
      let missing: string | undefined;
      const resolved = base.replace(
        VARIABLE,
        (_all, braced?: string, fallback?: string, bare?: string) => {
          const name = (braced ?? bare) as string;
          const value = parsed.globalArgs.get(name) ?? fallback;
          if (value === undefined) missing = name;
          return value ?? '';
        },
      );
      if (missing) {
        add(
          'base-from-arg',
          stage.from.line,
          `FROM ${base}: ${missing} needs a global ARG (before the first FROM) with a default`,
        );
      } else if (!isTaggedReference(resolved)) {
        add(
          'base-from-arg',
          stage.from.line,
          `FROM ${base}: the default "${resolved}" must carry a tag (not latest) or digest`,
        );
      }
    }
    if (stage.name) stageNames.add(stage.name);
  }

  const chain = stageChain(parsed);
  const final = chain[0] as Stage;
  const finalLine = final.from.line;

  const user = effective(chain, 'USER');
  const userName = user ? unquote(user.args).split(':')[0] : undefined;
  if (!user || userName === undefined) {
    add('non-root-user', finalLine, 'the final stage runs as root: add USER (e.g. USER node)');
  } else if (userName === 'root' || userName === '0' || userName === '') {
    add('non-root-user', user.line, `USER ${user.args}: the final stage must not run as root`);
  }

  const cmd = effective(chain, 'CMD');
  if (!cmd)
    add(
      'cmd-exec-form',
      finalLine,
      'the final stage has no CMD (e.g. CMD ["node", "dist/server.js"])',
    );
  else if (!execForm(cmd.args)?.length) {
    add(
      'cmd-exec-form',
      cmd.line,
      `CMD ${cmd.args}: use the exec form, a JSON array (CMD ["node", "dist/server.js"])`,
    );
  }

  const entrypoint = effective(chain, 'ENTRYPOINT');
  if (entrypoint) {
    const form = execForm(entrypoint.args);
    const program = form?.[0]?.split('/').pop();
    const onlyFlags = form?.slice(1).every((arg) => arg.startsWith('-')) ?? false;
    if (form && form.length === 0) {
      // `ENTRYPOINT []` clears an inherited entrypoint: fine.
    } else if (!form || !program || !INIT_WRAPPERS.has(program) || !onlyFlags) {
      add(
        'no-server-entrypoint',
        entrypoint.line,
        `ENTRYPOINT ${entrypoint.args}: the server must start from CMD, so the platform can run the release command instead; only an init wrapper (tini, dumb-init) may be the ENTRYPOINT`,
      );
    }
  }

  const exposed = chain
    .flatMap((stage) => stage.instructions.filter((i) => i.keyword === 'EXPOSE'))
    .flatMap((i) => i.args.split(/\s+/))
    .map((p) => p.replace(/\/tcp$/i, ''));
  if (!exposed.includes(String(port)))
    add('expose-port', finalLine, `the final stage must EXPOSE ${port}`);

  const healthcheck = effective(chain, 'HEALTHCHECK');
  if (!healthcheck || /^NONE$/i.test(healthcheck.args)) {
    add(
      'healthcheck',
      healthcheck?.line ?? finalLine,
      'the final stage needs a HEALTHCHECK (e.g. CMD node -e "fetch(...)")',
    );
  } else if (!/(^|\s)CMD(\s|$)/i.test(healthcheck.args)) {
    add('healthcheck', healthcheck.line, `HEALTHCHECK ${healthcheck.args}: missing CMD`);
  }
  return findings;
}
