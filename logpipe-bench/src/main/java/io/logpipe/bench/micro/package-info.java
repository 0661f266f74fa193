/** JMH micro-benchmarks of the per-record hot paths: codec, ingest reader, syslog parser. */
package io.logpipe.bench.micro;
