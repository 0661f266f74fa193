/** A seeded, deterministic load generator of realistic platform log records, for benchmarks. */
package io.logpipe.bench;
