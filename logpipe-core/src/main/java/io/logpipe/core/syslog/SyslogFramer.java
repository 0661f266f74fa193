package io.logpipe.core.syslog;

import java.util.Objects;

/**
 * Cuts the byte stream of one syslog TCP (or TLS) connection into messages, as RFC 6587 describes:
 * octet counting ({@code LEN SP MSG}, section 3.4.1) or non-transparent framing (one message per
 * line, section 3.4.2). A pure state machine with no transport code: the caller feeds it the bytes
 * as they arrive, in chunks of any size, and it calls a {@link FrameSink} for every message.
 *
 * <p>Framing is detected on the first byte of the connection: a digit means octet counting, any
 * other byte non-transparent framing. Once octet counting is seen a frame that does not start with
 * a count is read up to the next LF and reported as a protocol error; once non-transparent framing
 * is seen it holds for the connection (so later lines may start with digits).
 *
 * <p>Limits, enforced before allocating: no frame handed out is longer than {@link
 * Options#maxFrameBytes()} and the internal buffer never holds more than that plus one byte. A
 * longer line is handed out cut at the limit with {@code truncated=true} and the rest of it, up to
 * the next LF, is discarded and counted. A longer octet count up to {@link Options#maxOctetCount()}
 * is handled the same way; an octet count above that, or with more than 9 digits (the
 * CVE-2022-24903 shape), means the stream cannot be trusted: the sink is told to close the
 * connection and the framer ignores all further input.
 *
 * <p>Details: a CR before the LF is removed; empty lines are skipped; LF, CR and NUL bytes between
 * octet-counted frames are skipped (some senders end each counted frame with LF); NUL is part of
 * the message unless {@link Options#nulTerminatesFrames()} is set. At the end of the stream ({@link
 * #endOfInput()}) an unterminated last line is handed out as a complete message, because many
 * senders do not end their last line; an octet-counted frame cut short is handed out with {@code
 * truncated=true} and reported as a protocol error.
 *
 * <p>Lifecycle: one framer per connection; {@link #feed} as bytes arrive, {@link #endOfInput()}
 * once when the peer closes. Threading: not thread-safe; use it from the connection's thread only.
 */
public final class SyslogFramer {
  /** The longest frame by default, 64 KiB. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 64 * 1024;

  /** The largest octet count by default that is skipped rather than closing the connection. */
  public static final int DEFAULT_MAX_OCTET_COUNT = 1024 * 1024;

  /** Octet counts longer than this many digits close the connection (9 digits fit in an int). */
  static final int MAX_COUNT_DIGITS = 9;

  /**
   * Receives the framer's output. Both methods are called from within {@link #feed} or {@link
   * #endOfInput()}; they must not call back into the framer and should not throw (an exception
   * propagates out of {@code feed} and the rest of that chunk is lost).
   */
  public interface FrameSink {
    /**
     * One message. The bytes are valid only during the call (they may be the caller's own input
     * chunk or the framer's buffer): parse or copy them before returning.
     *
     * @param truncated the message was longer than the limit (or cut by the end of the stream) and
     *     only its first bytes are given
     */
    void frame(byte[] buf, int offset, int length, boolean truncated);

    /**
     * The stream broke the framing rules.
     *
     * @param reason what was wrong and at which byte of the stream (counted from 0)
     * @param closeConnection the stream cannot be resynchronised: close the connection; the framer
     *     ignores any further input
     */
    void protocolError(String reason, boolean closeConnection);
  }

  /** The framing a connection turned out to use. */
  public enum Framing {
    /** No byte of a frame seen yet. */
    UNKNOWN,
    /** RFC 6587 section 3.4.1: {@code LEN SP MSG}. */
    OCTET_COUNTING,
    /** RFC 6587 section 3.4.2: one message per line. */
    NON_TRANSPARENT
  }

  /**
   * Framer limits.
   *
   * @param maxFrameBytes the longest frame handed out; longer ones are cut and flagged; at least 16
   * @param maxOctetCount the largest octet count accepted (its frame cut to {@code maxFrameBytes});
   *     a larger one closes the connection; between {@code maxFrameBytes} and 999,999,999
   * @param nulTerminatesFrames also end a non-transparent frame at NUL, for senders that use it as
   *     the trailer; off by default, since NUL inside a message is otherwise kept
   */
  public record Options(int maxFrameBytes, int maxOctetCount, boolean nulTerminatesFrames) {
    public Options {
      if (maxFrameBytes < 16) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be at least 16, not " + maxFrameBytes);
      }
      if (maxOctetCount < maxFrameBytes || maxOctetCount > 999_999_999) {
        throw new IllegalArgumentException(
            "maxOctetCount must be between maxFrameBytes ("
                + maxFrameBytes
                + ") and 999999999, not "
                + maxOctetCount);
      }
    }

    /** 64 KiB frames, octet counts up to 1 MiB, NUL is not a trailer. */
    public static Options defaults() {
      return new Options(DEFAULT_MAX_FRAME_BYTES, DEFAULT_MAX_OCTET_COUNT, false);
    }
  }

  private static final int FRAME_START = 0;
  private static final int COUNT = 1;
  private static final int OCTETS = 2;
  private static final int SKIP_OCTETS = 3;
  private static final int LINE = 4;
  private static final int SKIP_LINE = 5;
  private static final int CLOSED = 6;

  private static final int INITIAL_BUFFER = 512;

  /** A buffer grown beyond this is dropped after its frame, so idle connections stay small. */
  private static final int KEEP_BUFFER = 8 * 1024;

  private final FrameSink sink;
  private final int maxFrame;
  private final int maxCount;
  private final boolean nulTerminates;

  private int state = FRAME_START;
  private Framing framing = Framing.UNKNOWN;
  private byte[] buf;
  private int bufLen;

  /** Stream offset of the first byte of the current frame (or of its octet count). */
  private long frameStartOffset;

  /** Stream offset of byte {@code off} of the chunk being fed, minus {@code off}. */
  private long chunkBase;

  private long streamOffset;
  private int count;
  private int countDigits;
  private int remaining;
  private long skip;

  private long frames;
  private long truncatedFrames;
  private long discardedBytes;
  private long protocolErrors;

  /** A framer with {@link Options#defaults()}. */
  public SyslogFramer(FrameSink sink) {
    this(Options.defaults(), sink);
  }

  public SyslogFramer(Options options, FrameSink sink) {
    Objects.requireNonNull(options, "options");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.maxFrame = options.maxFrameBytes();
    this.maxCount = options.maxOctetCount();
    this.nulTerminates = options.nulTerminatesFrames();
  }

  /**
   * Feeds the next bytes of the stream.
   *
   * @return false once the connection must be closed (after a closing protocol error, or after
   *     {@link #endOfInput()}); further input is then ignored
   * @throws IndexOutOfBoundsException if the range lies outside {@code in}
   */
  public boolean feed(byte[] in, int off, int len) {
    Objects.checkFromIndexSize(off, len, in.length);
    if (state == CLOSED) {
      return false;
    }
    chunkBase = streamOffset - off;
    streamOffset += len;
    int i = off;
    int end = off + len;
    while (i < end && state != CLOSED) {
      switch (state) {
        case FRAME_START:
          i = frameStart(in, i);
          break;
        case COUNT:
          i = readCount(in, i, end);
          break;
        case OCTETS:
          i = readOctets(in, i, end);
          break;
        case SKIP_OCTETS:
          i = skipOctets(i, end);
          break;
        case LINE:
          i = readLine(in, i, end);
          break;
        case SKIP_LINE:
          i = skipLine(in, i, end);
          break;
        default:
          throw new IllegalStateException("state " + state);
      }
    }
    return state != CLOSED;
  }

  /**
   * The peer closed the stream: hands out what is left (see the class comment) and closes the
   * framer. Calling it again does nothing.
   */
  public void endOfInput() {
    int s = state;
    state = CLOSED;
    switch (s) {
      case COUNT:
        if (framing == Framing.OCTET_COUNTING) {
          error("stream ended inside an octet count at stream byte " + frameStartOffset, false);
        } else {
          deliverLineAtEnd();
        }
        break;
      case OCTETS:
        error(
            "stream ended "
                + remaining
                + " bytes short of the octet count "
                + count
                + " of the frame at stream byte "
                + frameStartOffset,
            false);
        if (bufLen > 0) {
          deliver(buf, 0, bufLen, true);
        }
        break;
      case LINE:
        deliverLineAtEnd();
        break;
      default:
        break;
    }
    buf = null;
    bufLen = 0;
  }

  /** The framing the stream uses, as far as seen. */
  public Framing framing() {
    return framing;
  }

  /** Frames handed to the sink so far. */
  public long frames() {
    return frames;
  }

  /** Frames handed out cut (longer than the limit, or cut by the end of the stream). */
  public long truncatedFrames() {
    return truncatedFrames;
  }

  /** Bytes of over-long frames that were not handed out. */
  public long discardedBytes() {
    return discardedBytes;
  }

  /** Protocol errors reported so far. */
  public long protocolErrors() {
    return protocolErrors;
  }

  /** The internal buffer's size, for tests of the memory bound. */
  int bufferCapacity() {
    return buf == null ? 0 : buf.length;
  }

  private int frameStart(byte[] in, int i) {
    byte c = in[i];
    if (c == '\n' || (framing != Framing.NON_TRANSPARENT && (c == '\r' || c == 0))) {
      return i + 1;
    }
    frameStartOffset = chunkBase + i;
    bufLen = 0;
    if (framing != Framing.NON_TRANSPARENT && c >= '0' && c <= '9') {
      state = COUNT;
      count = 0;
      countDigits = 0;
      return i;
    }
    if (framing == Framing.OCTET_COUNTING) {
      error(
          "expected an octet count at stream byte "
              + frameStartOffset
              + " but found "
              + describe(c)
              + "; reading up to the next LF instead",
          false);
    } else {
      framing = Framing.NON_TRANSPARENT;
    }
    state = LINE;
    return i;
  }

  private int readCount(byte[] in, int i, int end) {
    while (i < end) {
      byte c = in[i];
      if (c >= '0' && c <= '9') {
        if (countDigits == MAX_COUNT_DIGITS) {
          close(
              "octet count at stream byte "
                  + frameStartOffset
                  + " has more than "
                  + MAX_COUNT_DIGITS
                  + " digits");
          return end;
        }
        count = count * 10 + (c - '0');
        countDigits++;
        append(in, i, 1); // kept in case this turns out to be the start of a line
        i++;
        continue;
      }
      if (c == ' ') {
        if (count > maxCount) {
          close(
              "octet count "
                  + count
                  + " at stream byte "
                  + frameStartOffset
                  + " exceeds the limit of "
                  + maxCount);
          return end;
        }
        framing = Framing.OCTET_COUNTING;
        bufLen = 0;
        if (count == 0) {
          error("empty octet-counted frame at stream byte " + frameStartOffset, false);
          state = FRAME_START;
          return i + 1;
        }
        remaining = Math.min(count, maxFrame);
        skip = count - remaining;
        state = OCTETS;
        return i + 1;
      }
      // Not an octet count after all: the digits begin a line.
      if (framing == Framing.OCTET_COUNTING) {
        error(
            "expected SP after the octet count at stream byte "
                + frameStartOffset
                + " but found "
                + describe(c)
                + "; reading up to the next LF instead",
            false);
      } else {
        framing = Framing.NON_TRANSPARENT;
      }
      state = LINE;
      return i;
    }
    return i;
  }

  private int readOctets(byte[] in, int i, int end) {
    int avail = end - i;
    if (bufLen == 0 && avail >= remaining) {
      int n = remaining;
      remaining = 0;
      finishOctets(in, i, n);
      return i + n;
    }
    int n = Math.min(avail, remaining);
    append(in, i, n);
    remaining -= n;
    if (remaining == 0) {
      finishOctets(buf, 0, bufLen);
    }
    return i + n;
  }

  private void finishOctets(byte[] b, int off, int len) {
    boolean truncated = skip > 0;
    state = truncated ? SKIP_OCTETS : FRAME_START;
    deliver(b, off, len, truncated);
  }

  private int skipOctets(int i, int end) {
    int n = (int) Math.min(end - i, skip);
    skip -= n;
    discardedBytes += n;
    if (skip == 0) {
      state = FRAME_START;
    }
    return i + n;
  }

  private int readLine(byte[] in, int i, int end) {
    int t = i;
    while (t < end && in[t] != '\n' && !(nulTerminates && in[t] == 0)) {
      t++;
    }
    int chunkLen = t - i;
    if (t == end) {
      // No terminator yet: buffer, up to the limit plus one byte (a CR that may precede LF).
      int room = maxFrame + 1 - bufLen;
      if (chunkLen <= room) {
        append(in, i, chunkLen);
        return end;
      }
      append(in, i, room);
      state = SKIP_LINE;
      discardedBytes += 1 + (chunkLen - room);
      deliver(buf, 0, maxFrame, true);
      return end;
    }
    int total = bufLen + chunkLen;
    boolean cr = chunkLen > 0 ? in[t - 1] == '\r' : bufLen > 0 && buf[bufLen - 1] == '\r';
    int n = cr ? total - 1 : total;
    state = FRAME_START;
    if (n == 0) {
      bufLen = 0;
      return t + 1;
    }
    boolean truncated = n > maxFrame;
    int len = Math.min(n, maxFrame);
    if (truncated) {
      discardedBytes += total - maxFrame; // a CR before the LF counts too, as when skipping
    }
    if (bufLen == 0) {
      deliver(in, i, len, truncated);
    } else {
      if (len > bufLen) {
        append(in, i, len - bufLen);
      }
      deliver(buf, 0, len, truncated);
    }
    return t + 1;
  }

  private int skipLine(byte[] in, int i, int end) {
    int t = i;
    while (t < end && in[t] != '\n' && !(nulTerminates && in[t] == 0)) {
      t++;
    }
    discardedBytes += t - i;
    if (t < end) {
      state = FRAME_START;
      return t + 1;
    }
    return end;
  }

  private void deliverLineAtEnd() {
    int n = bufLen > 0 && buf[bufLen - 1] == '\r' ? bufLen - 1 : bufLen;
    if (n > 0) {
      boolean truncated = n > maxFrame;
      if (truncated) {
        discardedBytes += n - maxFrame;
      }
      deliver(buf, 0, Math.min(n, maxFrame), truncated);
    }
  }

  private void deliver(byte[] b, int off, int len, boolean truncated) {
    frames++;
    if (truncated) {
      truncatedFrames++;
    }
    bufLen = 0;
    sink.frame(b, off, len, truncated);
    if (buf != null && buf.length > KEEP_BUFFER && state != CLOSED) {
      buf = null;
    }
  }

  /** Appends to the buffer, growing it by doubling up to the limit plus one byte. */
  private void append(byte[] in, int off, int n) {
    int need = bufLen + n;
    if (buf == null || need > buf.length) {
      int cap = buf == null ? INITIAL_BUFFER : buf.length;
      while (cap < need) {
        cap *= 2;
      }
      cap = Math.min(cap, maxFrame + 1);
      byte[] grown = new byte[cap];
      if (buf != null) {
        System.arraycopy(buf, 0, grown, 0, bufLen);
      }
      buf = grown;
    }
    System.arraycopy(in, off, buf, bufLen, n);
    bufLen = need;
  }

  private void error(String reason, boolean closeConnection) {
    protocolErrors++;
    sink.protocolError(reason, closeConnection);
  }

  private void close(String reason) {
    state = CLOSED;
    buf = null;
    bufLen = 0;
    error(reason, true);
  }

  private static String describe(byte c) {
    if (c >= 33 && c < 127) {
      return "'" + (char) c + "'";
    }
    return String.format("byte 0x%02x", c & 0xFF);
  }
}
