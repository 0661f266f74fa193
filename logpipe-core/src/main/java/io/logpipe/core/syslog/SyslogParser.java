package io.logpipe.core.syslog;

import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.Objects;

/**
 * Turns one syslog message (one UDP datagram, or one frame cut from a TCP stream by {@link
 * SyslogFramer}) into a {@link LogRecord}. Accepts RFC 5424, RFC 3164 and the forms real senders
 * emit (no hostname, no PRI, ISO 8601 timestamps, Cisco sequence numbers), and maps Cloud Foundry
 * app-log drain messages to {@code kind=app} records. The accepted formats, the field mapping and
 * the problem reasons are described in {@code docs/syslog-parsing.md}.
 *
 * <p>Lifecycle: build once from {@link Options}; there is nothing to start or stop. Threading:
 * immutable and thread-safe; one instance may serve every connection. Failure: {@link #parse} never
 * throws, whatever the bytes; input it cannot parse cleanly gives a record with {@link
 * LogRecord#problem()} set, holding the reason (with the byte offset of the fault) and the raw
 * input, and the best-effort message (the whole line when nothing better is known).
 */
public final class SyslogParser {
  /** The largest message parsed by default; longer input is cut there and flagged. */
  public static final int DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024;

  /**
   * How the parser reads times and stamps records.
   *
   * @param clock gives the observed time when the caller passes none; never null
   * @param defaultZone the zone of timestamps that carry no offset (RFC 3164's BSD timestamps, and
   *     RFC 3339 timestamps without one); never null, usually UTC
   * @param datacenter stamped on every record; null when not configured
   * @param maxMessageBytes input beyond this is not parsed (the record is flagged as truncated); at
   *     least 64
   */
  public record Options(Clock clock, ZoneId defaultZone, String datacenter, int maxMessageBytes) {
    public Options {
      Objects.requireNonNull(clock, "clock");
      Objects.requireNonNull(defaultZone, "defaultZone");
      if (maxMessageBytes < 64) {
        throw new IllegalArgumentException(
            "maxMessageBytes must be at least 64, not " + maxMessageBytes);
      }
    }

    /** The system clock, UTC, no datacenter, {@link #DEFAULT_MAX_MESSAGE_BYTES}. */
    public static Options defaults() {
      return new Options(Clock.systemUTC(), ZoneOffset.UTC, null, DEFAULT_MAX_MESSAGE_BYTES);
    }

    public Options withClock(Clock v) {
      return new Options(v, defaultZone, datacenter, maxMessageBytes);
    }

    public Options withDefaultZone(ZoneId v) {
      return new Options(clock, v, datacenter, maxMessageBytes);
    }

    public Options withDatacenter(String v) {
      return new Options(clock, defaultZone, v, maxMessageBytes);
    }

    public Options withMaxMessageBytes(int v) {
      return new Options(clock, defaultZone, datacenter, v);
    }
  }

  private static final byte[] EMPTY = new byte[0];

  private final Options options;

  /** Null when the default zone has a fixed offset, which is then {@link #fixedOffsetSeconds}. */
  private final ZoneRules zoneRules;

  private final int fixedOffsetSeconds;

  /** A parser with the given options; never null. */
  public SyslogParser(Options options) {
    this.options = Objects.requireNonNull(options, "options");
    ZoneRules rules = options.defaultZone().getRules();
    if (rules.isFixedOffset()) {
      zoneRules = null;
      fixedOffsetSeconds = rules.getOffset(Instant.EPOCH).getTotalSeconds();
    } else {
      zoneRules = rules;
      fixedOffsetSeconds = 0;
    }
  }

  public Options options() {
    return options;
  }

  /**
   * Parses {@code length} bytes of {@code buf} from {@code offset}: one complete message.
   *
   * @param observedTime when the message was received; null means now, from the clock
   * @param senderAddress the peer's address as text (no port), the host of a component record whose
   *     message names none; may be null
   * @return a record, never null; flagged via {@link LogRecord#problem()} if the input was not
   *     clean
   */
  public LogRecord parse(
      byte[] buf, int offset, int length, Instant observedTime, String senderAddress) {
    return parse(buf, offset, length, observedTime, senderAddress, false);
  }

  /**
   * As {@link #parse(byte[], int, int, Instant, String)}, for a message the caller had to cut (an
   * oversized frame or datagram): {@code truncated} adds the reason {@code truncated at <length>
   * bytes}, and the rest is parsed as usual.
   */
  public LogRecord parse(
      byte[] buf,
      int offset,
      int length,
      Instant observedTime,
      String senderAddress,
      boolean truncated) {
    Instant observed = observedTime;
    String boundsProblem = null;
    try {
      if (observed == null) {
        observed = options.clock().instant();
      }
      if (buf == null) {
        buf = EMPTY;
        offset = 0;
        length = 0;
        boundsProblem = "no input buffer";
      } else if (offset < 0 || length < 0 || offset > buf.length - length) {
        boundsProblem =
            "offset "
                + offset
                + " and length "
                + length
                + " outside a buffer of "
                + buf.length
                + " bytes";
        offset = Math.max(0, Math.min(offset, buf.length));
        length = Math.max(0, Math.min(length, buf.length - offset));
      }
      return new SyslogLine(
              this, buf, offset, length, observed, senderAddress, truncated, boundsProblem)
          .parse();
    } catch (RuntimeException e) {
      return fallback(buf, offset, length, observed, senderAddress, e);
    }
  }

  /** The record for input that made the parser fail: the whole input as message, flagged. */
  private LogRecord fallback(
      byte[] buf, int offset, int length, Instant observed, String sender, RuntimeException e) {
    if (observed == null) {
      observed = Instant.now();
    }
    int n = Math.min(length, options.maxMessageBytes());
    String reason = "internal parser error " + e.getClass().getSimpleName() + " (please report)";
    return LogRecord.component()
        .time(observed)
        .observedTime(observed)
        .host(sender)
        .facility(Facility.USER)
        .severity(Severity.NOTICE)
        .message(new String(buf, offset, n, StandardCharsets.UTF_8))
        .datacenter(options.datacenter())
        .problem(ParseProblem.ofBytes(reason, buf, offset, n))
        .build();
  }

  /**
   * Epoch seconds of a local date-time in the default zone (or UTC). In a gap (clocks jump forward)
   * the time is read with the offset before the gap, so it moves forward by the gap's length; in an
   * overlap (clocks fall back) the earlier offset wins. Both as {@link java.time.ZonedDateTime}.
   */
  long localToEpochSecond(int year, int month, int day, int hour, int minute, int second) {
    long local =
        io.logpipe.core.record.Timestamps.daysFromCivil(year, month, day) * 86_400L
            + hour * 3600L
            + minute * 60L
            + second;
    if (zoneRules == null) {
      return local - fixedOffsetSeconds;
    }
    return local
        - zoneRules
            .getOffset(LocalDateTime.of(year, month, day, hour, minute, second))
            .getTotalSeconds();
  }

  /** The offset of the default zone at an instant. */
  int offsetSecondsAt(Instant t) {
    return zoneRules == null ? fixedOffsetSeconds : zoneRules.getOffset(t).getTotalSeconds();
  }
}
