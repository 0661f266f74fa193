/**
 * The contracts between ingest paths and the hub: how a source hands records over and learns they
 * are safe.
 */
package io.logpipe.core.pipeline;
