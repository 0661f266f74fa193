package io.logpipe.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where archive objects live. Keys are {@code /}-separated paths built only from safe parts ({@link
 * io.logpipe.archive.ArchiveKeys}); a store never sees user text.
 *
 * <p>Contract: {@link #put} is atomic (a reader sees the whole old object, the whole new one, or
 * nothing; never a part) and durable when it returns; {@link #putIfAbsent} creates an object only
 * if no object has that key, atomically where the store can ({@link #conditionalWrites()}).
 * Implementations are thread-safe; {@link #close()} releases clients.
 */
public interface ObjectStore extends AutoCloseable {

  /** One object as listed. */
  record StoredObject(String key, long size) {}

  /**
   * Stores a file's content under {@code key}, replacing any object there. The file belongs to the
   * store from then on (it may be moved or deleted).
   */
  void put(String key, Path file) throws IOException;

  /**
   * Stores {@code content} under {@code key} only if there is no object with that key.
   *
   * @return true if created, false if an object already had that key (nothing was written)
   */
  boolean putIfAbsent(String key, byte[] content) throws IOException;

  /**
   * True if {@link #putIfAbsent} is atomic against concurrent writers (create-only on the server);
   * false when it can only check and then write.
   */
  boolean conditionalWrites();

  /**
   * Opens an object for streaming.
   *
   * @throws java.nio.file.NoSuchFileException if there is none
   */
  InputStream get(String key) throws IOException;

  /** The whole content of a small object. */
  default byte[] getBytes(String key) throws IOException {
    try (InputStream in = get(key)) {
      return in.readAllBytes();
    }
  }

  /**
   * Objects whose key starts with {@code prefix} and sorts after {@code startAfter} (null: from the
   * first), in key order.
   */
  List<StoredObject> list(String prefix, String startAfter) throws IOException;

  /** Deletes an object; nothing happens if there is none. */
  void delete(String key) throws IOException;

  /** Requests attempted again after a retriable failure, since the store was opened. */
  default long retries() {
    return 0;
  }

  /** Where this store is, for logs and messages. */
  String describe();

  @Override
  default void close() {}
}
