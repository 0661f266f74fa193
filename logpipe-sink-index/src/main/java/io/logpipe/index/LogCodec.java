package io.logpipe.index;

import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.StoredFieldsFormat;
import org.apache.lucene.codecs.compressing.CompressionMode;
import org.apache.lucene.codecs.lucene90.compressing.Lucene90CompressingStoredFieldsFormat;
import org.apache.lucene.codecs.lucene912.Lucene912Codec;

/**
 * Lucene's default codec with stored fields compressed by plain LZ4 ({@link CompressionMode#FAST})
 * instead of LZ4 with preset dictionaries and the high-compression match finder: that finder was
 * the largest single cost of indexing log records (about a sixth of the CPU in a profile), for a
 * few percent of disk. Registered by name through {@code META-INF/services}, as Lucene reads a
 * segment's codec by name.
 */
public final class LogCodec extends FilterCodec {
  /** The codec's name in segment files; never change it (old indexes would not open). */
  public static final String NAME = "Logpipe912";

  private final StoredFieldsFormat stored =
      new Lucene90CompressingStoredFieldsFormat(
          "LogpipeStoredFieldsLz4", CompressionMode.FAST, 60 * 1024, 1024, 10);

  public LogCodec() {
    super(NAME, new Lucene912Codec());
  }

  @Override
  public StoredFieldsFormat storedFieldsFormat() {
    return stored;
  }

  /** The codec instance for writers. */
  static Codec instance() {
    return Codec.forName(NAME);
  }
}
