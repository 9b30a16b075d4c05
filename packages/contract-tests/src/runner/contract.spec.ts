// Entry point the CLI (`contract-tests run`) hands to vitest: the contract suite against
// the target given on the command line.
import { inject } from 'vitest';
import { defineContractSuite } from '../suite.js';
import './provided.js';

const target = inject('contractTarget');
defineContractSuite(() => target);
