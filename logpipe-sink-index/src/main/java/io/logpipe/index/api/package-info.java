/** The HTTP query API: search, histogram and the live tail (Server-Sent Events). */
package io.logpipe.index.api;
