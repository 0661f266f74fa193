/** The platform's APIs around the log stream: UAA tokens, Cloud Controller names, TLS trust. */
package io.logpipe.nozzle.platform;
