/**
 * Loggregator envelopes: one model for both APIs, and the decoders of the v2 RLP gateway's JSON and
 * the v1 firehose's protobuf (dropsonde).
 */
package io.logpipe.nozzle.envelope;
