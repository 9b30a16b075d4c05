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
// Parsing (parser directives, comments, line continuations, flags, stages, variables, image
// references) is dockerfile-ast's, the parser behind the Docker language server; only the
// rules are this project's.
import {
  type Dockerfile,
  DockerfileParser,
  type From,
  Healthcheck,
  type Instruction,
  type Variable,
} from 'dockerfile-ast';

export interface LintFinding {
  rule: string;
  /** 1-based line of the instruction (or of the final stage's FROM when one is missing). */
  line: number;
  message: string;
}

interface Stage {
  from: From;
  instructions: Instruction[];
}

/** 1-based line of an instruction's first line. */
const lineOf = (instruction: Instruction): number => instruction.getRange().start.line + 1;

/** The stages in order, each with the instructions after its FROM. */
function stagesOf(dockerfile: Dockerfile): Stage[] {
  const stages: Stage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    if (instruction.getKeyword() === 'FROM') {
      stages.push({ from: instruction as From, instructions: [] });
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

/** The ARGs before the first FROM with their defaults (undefined when none). */
function globalArgsOf(dockerfile: Dockerfile): Map<string, string | undefined> {
  const args = new Map<string, string | undefined>();
  for (const arg of dockerfile.getInitialARGs()) {
    for (const property of arg.getProperties()) {
      args.set(property.getName(), property.getValue() ?? undefined);
    }
  }
  return args;
}

/** The variables used in a FROM's image reference (not in its flags), left to right. */
function imageVariables(from: From): Variable[] {
  const range = from.getImageRange();
  if (!range) return [];
  return from.getVariables().filter((v) => {
    const { start, end } = v.getRange();
    return (
      start.line === range.start.line &&
      start.character >= range.start.character &&
      end.character <= range.end.character
    );
  });
}

/**
 * The base image of a FROM with its variables replaced by the global ARG defaults (or
 * their `${X:-default}`), or the first variable that has neither.
 */
function resolveImage(
  from: From,
  globalArgs: Map<string, string | undefined>,
): { resolved: string } | { missing: string } {
  let resolved = from.getImage() ?? '';
  const offset = from.getImageRange()?.start.character ?? 0;
  // Right to left, so the offsets of the variables before stay valid.
  for (const variable of imageVariables(from).reverse()) {
    const name = variable.getName();
    const fallback =
      variable.getModifier() === '-'
        ? (variable.getSubstitutionParameter() ?? undefined)
        : undefined;
    const value = globalArgs.get(name) ?? fallback;
    if (value === undefined) return { missing: name };
    const { start, end } = variable.getRange();
    resolved =
      resolved.slice(0, start.character - offset) + value + resolved.slice(end.character - offset);
  }
  return { resolved };
}

/** Whether an image reference names a tag other than `latest`, or a digest. */
export function isTaggedReference(reference: string): boolean {
  const from = DockerfileParser.parse(`FROM ${reference}`).getFROMs()[0];
  const tag = from?.getImageTag();
  return Boolean(from?.getImageDigest()) || (Boolean(tag) && tag !== 'latest');
}

/**
 * Exec form: the arguments are a JSON array of strings. Anything else, malformed JSON
 * included, is shell form, as Docker decides it.
 */
function execForm(instruction: Instruction): string[] | undefined {
  const args = instruction.getArgumentsContent() ?? '';
  if (!args.startsWith('[')) return undefined;
  try {
    const value: unknown = JSON.parse(args);
    if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  } catch {
    // not JSON: Docker runs it in shell form
  }
  return undefined;
}

const INIT_WRAPPERS = new Set(['tini', 'dumb-init', 'docker-init', 'docker-entrypoint.sh']);

/** The final stage and the stages it builds on (`FROM build AS runtime` -> [runtime, build]). */
function stageChain(stages: Stage[]): Stage[] {
  const chain: Stage[] = [];
  let stage = stages.at(-1);
  while (stage && !chain.includes(stage)) {
    chain.push(stage);
    const base = (stage.from.getImage() ?? '').toLowerCase();
    const index = stages.indexOf(stage);
    stage = stages.slice(0, index).find((s) => s.from.getBuildStage()?.toLowerCase() === base);
  }
  return chain;
}

/** The last instruction with this keyword that applies to the final stage. */
function effective(chain: Stage[], keyword: string): Instruction | undefined {
  for (const stage of chain) {
    const found = stage.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
    if (found) return found;
  }
  return undefined;
}

/** `"node"` and `'node'` name the user `node`. */
const unquote = (value: string): string => value.replace(/^(["'])(.*)\1$/, '$2');

export function lintDockerfile(text: string, options: { port?: number } = {}): LintFinding[] {
  const port = options.port ?? 80;
  const dockerfile = DockerfileParser.parse(text);
  const stages = stagesOf(dockerfile);
  const globalArgs = globalArgsOf(dockerfile);
  const findings: LintFinding[] = [];
  const add = (rule: string, line: number, message: string) =>
    findings.push({ rule, line, message });
  if (stages.length === 0) {
    add('base-from-arg', 1, 'no FROM instruction');
    return findings;
  }

  const stageNames = new Set<string>();
  for (const { from } of stages) {
    const base = from.getImage() ?? '';
    const name = from.getBuildStage()?.toLowerCase();
    if (stageNames.has(base.toLowerCase()) || base === 'scratch') {
      if (name) stageNames.add(name);
      continue;
    }
    const line = lineOf(from);
    const result = resolveImage(from, globalArgs);
    if (imageVariables(from).length === 0) {
      add(
        'base-from-arg',
        line,
        `FROM ${base}: name the base image through a global ARG with a tagged default (ARG NODE_IMAGE=node:24-bookworm-slim, FROM \${NODE_IMAGE})`,
      );
    } else if ('missing' in result) {
      add(
        'base-from-arg',
        line,
        `FROM ${base}: ${result.missing} needs a global ARG (before the first FROM) with a default`,
      );
    } else if (!isTaggedReference(result.resolved)) {
      add(
        'base-from-arg',
        line,
        `FROM ${base}: the default "${result.resolved}" must carry a tag (not latest) or digest`,
      );
    }
    if (name) stageNames.add(name);
  }

  const chain = stageChain(stages);
  const final = chain[0] as Stage;
  const finalLine = lineOf(final.from);

  const user = effective(chain, 'USER');
  const userArgs = user?.getArgumentsContent() ?? '';
  const userName = unquote(userArgs).split(':')[0];
  if (!user) {
    add('non-root-user', finalLine, 'the final stage runs as root: add USER (e.g. USER node)');
  } else if (userName === 'root' || userName === '0' || userName === '') {
    add('non-root-user', lineOf(user), `USER ${userArgs}: the final stage must not run as root`);
  }

  const cmd = effective(chain, 'CMD');
  if (!cmd)
    add(
      'cmd-exec-form',
      finalLine,
      'the final stage has no CMD (e.g. CMD ["node", "dist/server.js"])',
    );
  else if (!execForm(cmd)?.length) {
    add(
      'cmd-exec-form',
      lineOf(cmd),
      `CMD ${cmd.getArgumentsContent() ?? ''}: use the exec form, a JSON array (CMD ["node", "dist/server.js"])`,
    );
  }

  const entrypoint = effective(chain, 'ENTRYPOINT');
  if (entrypoint) {
    const form = execForm(entrypoint);
    const program = form?.[0]?.split('/').pop();
    const onlyFlags = form?.slice(1).every((arg) => arg.startsWith('-')) ?? false;
    if (form && form.length === 0) {
      // `ENTRYPOINT []` clears an inherited entrypoint: fine.
    } else if (!form || !program || !INIT_WRAPPERS.has(program) || !onlyFlags) {
      add(
        'no-server-entrypoint',
        lineOf(entrypoint),
        `ENTRYPOINT ${entrypoint.getArgumentsContent() ?? ''}: the server must start from CMD, so the platform can run the release command instead; only an init wrapper (tini, dumb-init) may be the ENTRYPOINT`,
      );
    }
  }

  const exposed = chain
    .flatMap((stage) => stage.instructions.filter((i) => i.getKeyword() === 'EXPOSE'))
    .flatMap((i) => i.getArguments().map((a) => a.getValue().replace(/\/tcp$/i, '')));
  if (!exposed.includes(String(port)))
    add('expose-port', finalLine, `the final stage must EXPOSE ${port}`);

  const healthcheck = effective(chain, 'HEALTHCHECK');
  const subcommand =
    healthcheck instanceof Healthcheck ? healthcheck.getSubcommand()?.getValue().toUpperCase() : '';
  if (!healthcheck || subcommand === 'NONE') {
    add(
      'healthcheck',
      healthcheck ? lineOf(healthcheck) : finalLine,
      'the final stage needs a HEALTHCHECK (e.g. CMD node -e "fetch(...)")',
    );
  } else if (subcommand !== 'CMD') {
    add(
      'healthcheck',
      lineOf(healthcheck),
      `HEALTHCHECK ${healthcheck.getArgumentsContent() ?? ''}: missing CMD`,
    );
  }
  return findings;
}
