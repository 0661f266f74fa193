package io.logpipe.archive;

import io.logpipe.archive.store.FilesystemObjectStore;
import io.logpipe.archive.store.ObjectStore;
import io.logpipe.archive.store.S3ObjectStore;
import java.io.IOException;

/** Opens the store that {@link ArchiveSettings} names. */
public final class ArchiveStores {
  private ArchiveStores() {}

  /** The configured store; the settings must be {@link ArchiveSettings#resolve resolved}. */
  public static ObjectStore open(ArchiveSettings s) throws IOException {
    if (s.store().equals("s3")) {
      return new S3ObjectStore(s.s3(), new ArchiveKeys(s.prefix()).manifestRoot());
    }
    return new FilesystemObjectStore(s.directory());
  }
}
