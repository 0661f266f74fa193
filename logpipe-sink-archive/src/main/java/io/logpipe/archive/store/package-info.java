/** Object stores the archive writes to: the local filesystem and S3 (and its clones). */
package io.logpipe.archive.store;
