package io.logpipe.archive;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.RecordFormatException;
import io.logpipe.core.record.Timestamps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;

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

  // The result of the last read().
  byte[] bytes;
  Instant time;
  long hour;
  Kind kind;

  ArchiveLine(Duration maxFuture, Duration maxPast) {
    this.maxFutureMillis = maxFuture.toMillis();
    this.maxPastMillis = maxPast.toMillis();
  }

  /** Reads one Kafka value; {@code kafkaTimestamp} is the record's timestamp in ms (or -1). */
  void read(byte[] value, long kafkaTimestamp) {
    time = null;
    if (value != null && canonical(value)) {
      bytes = value;
      kind = Kind.CANONICAL;
    } else {
      reencode(value, kafkaTimestamp);
    }
    long ms = time.toEpochMilli();
    if (kafkaTimestamp >= 0
        && (ms - kafkaTimestamp > maxFutureMillis || kafkaTimestamp - ms > maxPastMillis)) {
      hour = ArchiveKeys.OUT_OF_RANGE;
    } else {
      hour = Math.floorDiv(time.getEpochSecond(), 3600);
    }
  }

  private boolean canonical(byte[] v) {
    int n = CANONICAL_PREFIX.length;
    if (v.length < n + 2 || v[v.length - 1] != '}') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (v[i] != CANONICAL_PREFIX[i]) {
        return false;
      }
    }
    int close = -1;
    for (int i = n; i < v.length && i < n + 40; i++) {
      if (v[i] == '"') {
        close = i;
        break;
      }
    }
    if (close < 0) {
      return false;
    }
    // One NDJSON line: JSON escapes control characters, so a raw CR or LF means a foreign writer.
    if (hasLineBreak(v)) {
      return false;
    }
    try {
      time = Timestamps.parse(new String(v, n, close - n, StandardCharsets.ISO_8859_1));
      return true;
    } catch (DateTimeException e) {
      return false;
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
    int i = 0;
    long found = 0;
    for (int n = v.length - 7; i < n; i += 8) {
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
    for (; i < v.length; i++) {
      if (v[i] == '\n' || v[i] == '\r') {
        return true;
      }
    }
    return false;
  }

  private void reencode(byte[] value, long kafkaTimestamp) {
    byte[] v = value == null ? new byte[0] : value;
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
  }
}
