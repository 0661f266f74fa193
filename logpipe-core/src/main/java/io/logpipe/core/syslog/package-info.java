/**
 * Syslog ingest without transport code: RFC 6587 framing of a TCP byte stream and parsing of RFC
 * 5424, RFC 3164 and Cloud Foundry drain messages into {@link io.logpipe.core.record.LogRecord}s.
 */
package io.logpipe.core.syslog;
