/**
 * The environment the contract suite expects the app under test to run with, on top of
 * the database and storage variables of the cell. It is exactly the table in
 * docs/contract.md ("Configuration the contract runs under"); a unit test keeps the two
 * in step.
 */
export const contractEnv: Readonly<Record<string, string>> = Object.freeze({
  STAGE: 'test',
  // A fixed, obviously fake value: the suite checks it never shows up in a response.
  SECRET_KEY: 'contract-test-secret-key-not-for-production-0123456789',
  DOMAIN: 'contract.example',
  DOMAIN_ALIASES: 'localhost, 127\\.0\\.0\\.1',
  DOMAIN_REDIRECTS: 'old.contract.example',
  SECURE_SSL_REDIRECT: 'True',
  MAX_UPLOAD_BYTES: '5242880',
  HEADERS_TIMEOUT_MS: '2000',
  IDLE_TIMEOUT_MS: '2000',
});

/** MAX_UPLOAD_BYTES of {@link contractEnv}, as a number. */
export const contractMaxUploadBytes = 5 * 1024 * 1024;

/** HEADERS_TIMEOUT_MS of {@link contractEnv}, as a number. */
export const contractHeadersTimeoutMs = 2_000;

/** IDLE_TIMEOUT_MS of {@link contractEnv}, as a number. */
export const contractIdleTimeoutMs = 2_000;
