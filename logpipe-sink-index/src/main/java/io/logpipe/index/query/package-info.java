/** The query syntax: parser, its tree, and its meaning for the index and for the live tail. */
package io.logpipe.index.query;
