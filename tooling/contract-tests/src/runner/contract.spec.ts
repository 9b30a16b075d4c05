// Entry point the CLI (`contract-tests run`) hands to vitest: the contract suite against
// the target given on the command line (and its log file, with --log-file).
import { readFile } from 'node:fs/promises';
import { inject } from 'vitest';
import { defineContractSuite } from '../suite.js';
import './provided.js';

const target = inject('contractTarget');
const logFile = inject('contractLogFile');
defineContractSuite(() => target, logFile ? { logs: () => readFile(logFile, 'utf8') } : {});
