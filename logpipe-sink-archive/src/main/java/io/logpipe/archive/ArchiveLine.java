package io.logpipe.archive;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.core.record.Timestamps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;

/**
 * Turns one Kafka value into the line the archive stores and the hour it belongs to. A value in
 * canonical form ({@code {"v":1,"time":"...}} on one line, as every logpipe ingest writes it) is
 * kept byte for byte, reading only its event time. Anything else is decoded and re-encoded in
 * canonical form; a value that is not a record at all is kept as a record flagged with the problem
 * and the raw bytes, at its Kafka time. Nothing is dropped.
 *
 * <p>The hour comes from the event time, unless the event time is further than the configured
 * bounds from the Kafka timestamp (a skewed or wrong clock): then it is {@link
 * ArchiveKeys#OUT_OF_RANGE}. The Kafka timestamp, not the wall clock, is the reference, so a replay
 * puts every record in the same object. Not thread-safe (reuses its result).
 */
final class ArchiveLine {
  private static final byte[] CANONICAL_PREFIX =
      "{\"v\":1,\"time\":\"".getBytes(StandardCharsets.US_ASCII);

  enum Kind {
    CANONICAL,
    REENCODED,
    INVALID
  }

  private final long maxFutureMillis;
  private final long maxPastMillis;

  // The result of the last read(): the line is bytes[offset, offset + length).
  byte[] bytes;
  int offset;
  int length;
  Instant time;
  long hour;
  Kind kind;

  ArchiveLine(Duration maxFuture, Duration maxPast) {
    this.maxFutureMillis = maxFuture.toMillis();
    this.maxPastMillis = maxPast.toMillis();
  }

  /** Reads one Kafka value; {@code kafkaTimestamp} is the record's timestamp in ms (or -1). */
  void read(byte[] value, long kafkaTimestamp) {
    if (value == null) {
      read(null, 0, 0, kafkaTimestamp);
    } else {
      read(value, 0, value.length, kafkaTimestamp);
    }
  }

  /**
   * Reads one Kafka value as the consumer hands it over, without copying it: a canonical line is
   * used in place, valid until the next poll.
   */
  void read(ByteBuffer value, long kafkaTimestamp) {
    if (value == null) {
      read(null, 0, 0, kafkaTimestamp);
    } else if (value.hasArray()) {
      read(
          value.array(), value.arrayOffset() + value.position(), value.remaining(), kafkaTimestamp);
    } else {
      byte[] copy = new byte[value.remaining()];
      value.duplicate().get(copy);
      read(copy, 0, copy.length, kafkaTimestamp);
    }
  }

  private void read(byte[] value, int off, int len, long kafkaTimestamp) {
    time = null;
    if (value != null && canonical(value, off, len)) {
      bytes = value;
      offset = off;
      length = len;
      kind = Kind.CANONICAL;
    } else {
      reencode(value, off, len, kafkaTimestamp);
    }
    long ms = time.toEpochMilli();
    if (kafkaTimestamp >= 0
        && (ms - kafkaTimestamp > maxFutureMillis || kafkaTimestamp - ms > maxPastMillis)) {
      hour = ArchiveKeys.OUT_OF_RANGE;
    } else {
      hour = Math.floorDiv(time.getEpochSecond(), 3600);
    }
  }

  private boolean canonical(byte[] v, int off, int len) {
    int n = CANONICAL_PREFIX.length;
    int end = off + len;
    if (len < n + 2 || v[end - 1] != '}') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (v[off + i] != CANONICAL_PREFIX[i]) {
        return false;
      }
    }
    int close = -1;
    for (int i = off + n; i < end && i < off + n + 40; i++) {
      if (v[i] == '"') {
        close = i;
        break;
      }
    }
    if (close < 0) {
      return false;
    }
    // One NDJSON line: JSON escapes control characters, so a raw CR or LF means a foreign writer.
    if (hasLineBreak(v, off, len)) {
      return false;
    }
    try {
      timeText.set(v, off + n, close - (off + n));
      time = Timestamps.parse(timeText);
      return true;
    } catch (DateTimeException e) {
      return false;
    }
  }

  private final Latin1View timeText = new Latin1View();

  /** A reusable view of bytes as characters (ISO-8859-1), so parsing a time copies nothing. */
  private static final class Latin1View implements CharSequence {
    private byte[] b;
    private int off;
    private int len;

    void set(byte[] bytes, int offset, int length) {
      b = bytes;
      off = offset;
      len = length;
    }

    @Override
    public int length() {
      return len;
    }

    @Override
    public char charAt(int i) {
      if (i < 0 || i >= len) {
        throw new IndexOutOfBoundsException(i);
      }
      return (char) (b[off + i] & 0xff);
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return toString().substring(start, end);
    }

    @Override
    public String toString() {
      return new String(b, off, len, StandardCharsets.ISO_8859_1);
    }
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;
  private static final long LF = ONES * '\n';
  private static final long CR = ONES * '\r';

  /**
   * True if the bytes hold a CR or LF. Eight bytes at a time, with one branch at the end: this scan
   * runs over every archived byte, and a branch per word halved its speed.
   */
  static boolean hasLineBreak(byte[] v) {
    return hasLineBreak(v, 0, v.length);
  }

  static boolean hasLineBreak(byte[] v, int off, int len) {
    int i = off;
    int end = off + len;
    long found = 0;
    for (int n = end - 7; i < n; i += 8) {
      long w = (long) LONGS.get(v, i);
      long lf = w ^ LF;
      long cr = w ^ CR;
      // The high bit of a byte is set where lf or cr has a zero byte, i.e. where w has that
      // character (exact for "is there one", which is all that is asked).
      found |= ((lf - ONES) & ~lf) | ((cr - ONES) & ~cr);
    }
    if ((found & HIGHS) != 0) {
      return true;
    }
    for (; i < end; i++) {
      if (v[i] == '\n' || v[i] == '\r') {
        return true;
      }
    }
    return false;
  }

  private void reencode(byte[] value, int off, int len, long kafkaTimestamp) {
    byte[] v =
        value == null
            ? new byte[0]
            : off == 0 && len == value.length ? value : Arrays.copyOfRange(value, off, off + len);
    LogRecord r;
    try {
      r = LogRecordJson.decode(v);
      kind = Kind.REENCODED;
    } catch (RecordFormatException | DateTimeException e) {
      Instant at = Instant.ofEpochMilli(Math.max(0, kafkaTimestamp));
      r =
          LogRecord.component()
              .times(at)
              .message("")
              .problem(
                  ParseProblem.ofBytes(
                      "not a logpipe record in Kafka: " + e.getMessage(), v, 0, v.length))
              .build();
      kind = Kind.INVALID;
    }
    time = r.time();
    bytes = LogRecordJson.encode(r);
    offset = 0;
    length = bytes.length;
  }
}
