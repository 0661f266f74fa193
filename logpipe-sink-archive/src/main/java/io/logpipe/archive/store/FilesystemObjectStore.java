package io.logpipe.archive.store;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * An object store in a local directory: a key is a relative path. Writes go to a temporary file in
 * the target directory (named {@code .tmp-*}, never listed), are fsynced, and then renamed into
 * place (atomic replace) or hard-linked (atomic create-only, for {@link #putIfAbsent}); the
 * directory is fsynced after. Thread-safe.
 */
public final class FilesystemObjectStore implements ObjectStore {
  static final String TEMP_PREFIX = ".tmp-";

  private final Path root;

  public FilesystemObjectStore(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    Files.createDirectories(this.root);
  }

  public Path root() {
    return root;
  }

  private Path resolve(String key) {
    if (key.isEmpty()
        || key.startsWith("/")
        || key.contains("//")
        || key.contains("\\")
        || key.contains("\0")) {
      throw new IllegalArgumentException("unsafe object key: " + key);
    }
    for (String part : key.split("/")) {
      if (part.equals(".") || part.equals("..") || part.startsWith(TEMP_PREFIX)) {
        throw new IllegalArgumentException("unsafe object key: " + key);
      }
    }
    Path p = root.resolve(key).normalize();
    if (!p.startsWith(root)) {
      throw new IllegalArgumentException("unsafe object key: " + key);
    }
    return p;
  }

  @Override
  public void put(String key, Path file) throws IOException {
    Path target = resolve(key);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      // Same filesystem: a rename; otherwise a copy. Either way the bytes are fsynced below.
      Files.move(file, tmp);
      fsync(tmp);
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the filesystem under " + root + " cannot rename atomically", e);
      }
      fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean putIfAbsent(String key, byte[] content) throws IOException {
    Path target = resolve(key);
    Path dir = target.getParent();
    Files.createDirectories(dir);
    Path tmp = dir.resolve(TEMP_PREFIX + UUID.randomUUID());
    try {
      try (FileChannel ch =
          FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        ch.write(java.nio.ByteBuffer.wrap(content));
        ch.force(true);
      }
      try {
        // link(2) fails if the name exists: an atomic create-only, unlike a rename.
        Files.createLink(target, tmp);
      } catch (FileAlreadyExistsException e) {
        return false;
      }
      fsyncDirectory(dir);
      return true;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  @Override
  public boolean conditionalWrites() {
    return true;
  }

  @Override
  public InputStream get(String key) throws IOException {
    Path p = resolve(key);
    if (!Files.isRegularFile(p)) {
      throw new NoSuchFileException(key);
    }
    return Files.newInputStream(p);
  }

  @Override
  public List<StoredObject> list(String prefix, String startAfter) throws IOException {
    int slash = prefix.lastIndexOf('/');
    Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
    List<StoredObject> out = new ArrayList<>();
    if (!Files.isDirectory(base)) {
      return out;
    }
    // Other writers create and rename files while we walk: a file that vanished is not listed.
    Files.walkFileTree(
        base,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path p, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() && !p.getFileName().toString().startsWith(TEMP_PREFIX)) {
              String key = root.relativize(p).toString().replace('\\', '/');
              if (key.startsWith(prefix) && (startAfter == null || key.compareTo(startAfter) > 0)) {
                out.add(new StoredObject(key, attrs.size()));
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path p, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    out.sort((a, b) -> a.key().compareTo(b.key()));
    return out;
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(resolve(key));
  }

  @Override
  public String describe() {
    return "directory " + root;
  }

  private static void fsync(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    }
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      // Some filesystems cannot open a directory for sync; the rename is still atomic there.
    }
  }
}
