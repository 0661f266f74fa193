package io.logpipe.archive;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This archiver's own directory under the staging directory, locked while it runs. At start,
 * directories left by archivers that are gone (a crash) are deleted: their files were never
 * committed, and Kafka still has the records. Several archivers may share a staging directory.
 */
final class StagingDirectory implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(StagingDirectory.class);
  private static final String LOCK = ".lock";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;

  StagingDirectory(Path parent) throws IOException {
    Files.createDirectories(parent);
    cleanAbandoned(parent);
    this.dir = parent.resolve("archiver-" + UUID.randomUUID());
    Files.createDirectories(dir);
    this.lockChannel =
        FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    this.lock = lockChannel.lock();
  }

  Path dir() {
    return dir;
  }

  private static void cleanAbandoned(Path parent) throws IOException {
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "archiver-*")) {
      for (Path d : ds) {
        Path lockFile = d.resolve(LOCK);
        boolean abandoned;
        try (FileChannel ch =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
          FileLock l = ch.tryLock();
          abandoned = l != null;
          if (l != null) {
            l.release();
          }
        } catch (OverlappingFileLockException e) {
          abandoned = false;
        }
        if (abandoned) {
          log.info("deleting staging files of an archiver that stopped without cleaning up: {}", d);
          deleteTree(d);
        }
      }
    }
  }

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> walk = Files.walk(d)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      lock.release();
      lockChannel.close();
    } finally {
      deleteTree(dir);
    }
  }
}
