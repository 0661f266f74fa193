/**
 * logpipe's HTTP server: NDJSON ingest acknowledged after Kafka, health, metrics, and the routes
 * other roles add.
 */
package io.logpipe.http;
