// Package auth holds the security primitives of Quire's accounts, apart
// from any storage (the store and the web handlers use them through small
// interfaces):
//
//   - Passwords: argon2id hashes in PHC format (HashPassword,
//     CheckPassword, DummyCheck) and the policy for new ones
//     (ValidatePassword).
//   - Tokens: random bearer secrets for sessions and API keys, stored as
//     SHA-256 hashes (NewToken, NewAPIToken, HashToken).
//   - Signed links: HMAC-signed, expiring, purpose-bound tokens for email
//     links, optionally bound to a value that changes once they are used
//     (Signer).
//   - CSRF: stateless tokens bound to the session or to an anonymous
//     cookie, plus origin checks (CSRF).
//   - Rate limits: a Limiter interface over a fixed-window RateCounter,
//     kept in memory (MemoryCounter) or in the store, and 429 middleware
//     keyed by client address (ClientIP) or anything else (RateLimit).
//
// # Password costs
//
// New hashes use argon2id with 64 MiB of memory, 3 passes and 2 lanes:
// about 130 ms on a 2-core server, measured by BenchmarkHashPassword (see
// currentParams for the figures and the reasoning). At most one hash per
// two cores runs at once, bounding memory. Hashes made with lower costs
// still verify, and CheckPassword asks for them to be replaced.
//
// # Secrets
//
// Signer and CSRF take the same kind of secret (at least MinSecretBytes,
// see GenerateSecret and LoadOrCreateSecret) and derive separate keys from
// it, so one configured secret can serve both. All nodes of a deployment
// must share it.
package auth
