/**
 * The archive role: Kafka topics into compressed NDJSON objects in a filesystem or S3, exactly once
 * through commit markers; and reading the archive back ({@code logpipe archive
 * ls|cat|grep|verify}).
 */
package io.logpipe.archive;
