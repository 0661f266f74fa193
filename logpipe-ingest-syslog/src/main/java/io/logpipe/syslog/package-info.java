/** The syslog listeners (UDP, TCP, TLS) that turn syslog messages into records in Kafka. */
package io.logpipe.syslog;
