/**
 * Kafka, the hub: producer settings, the publisher that acknowledges what Kafka acknowledged, topic
 * provisioning and the embedded single-node broker.
 */
package io.logpipe.kafka;
