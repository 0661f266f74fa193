/** The embedded search index: Kafka records into day-partitioned Lucene indexes, exactly once. */
package io.logpipe.index;
