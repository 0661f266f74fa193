/**
 * The canonical log record that every ingest path produces and every sink consumes, and its JSON
 * codec.
 */
package io.logpipe.core.record;
