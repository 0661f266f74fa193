/**
 * The connections to loggregator: the RLP gateway's Server-Sent Events stream (v2) and the traffic
 * controller's firehose WebSocket (v1), each reconnecting with backoff and jitter.
 */
package io.logpipe.nozzle.stream;
