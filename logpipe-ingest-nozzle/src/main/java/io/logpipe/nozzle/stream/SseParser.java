package io.logpipe.nozzle.stream;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental parser of a {@code text/event-stream} (Server-Sent Events) body, bounded in what
 * it holds. Lines end with LF, CR or CRLF; a line that starts with {@code :} is a comment; {@code
 * data:} lines of one event are joined with LF; {@code event:} names the event; a blank line
 * dispatches it; other fields ({@code id}, {@code retry}, the old gateway's {@code heartbeat}) are
 * ignored. One space after the colon is not part of the value.
 *
 * <p>An event whose data grows beyond {@code maxEventBytes} is not kept: the rest of it is skipped
 * and {@link Listener#onOversized} reports it when it ends; the stream goes on.
 *
 * <p>Not thread-safe: one per connection, fed in order.
 */
public final class SseParser {

  /** Told about each complete event. */
  public interface Listener {
    /**
     * One event.
     *
     * @param type the {@code event:} name, or null when the event had none (a plain message)
     * @param data the joined {@code data:} values; valid only during the call
     * @param length the length of the data in {@code data}
     */
    void onEvent(String type, byte[] data, int length);

    /** An event whose data exceeded the limit ended; it was skipped. */
    void onOversized(long bytes);
  }

  private static final int LINE_START = 0;
  private static final int NAME = 1;
  private static final int SPACE = 2;
  private static final int VALUE = 3;
  private static final int COMMENT = 4;

  private static final int FIELD_OTHER = 0;
  private static final int FIELD_DATA = 1;
  private static final int FIELD_EVENT = 2;

  private static final int MAX_NAME = 16;
  private static final int MAX_EVENT_TYPE = 128;

  private final int maxEventBytes;
  private final Listener listener;

  private int state = LINE_START;
  private boolean lastCr;
  private final byte[] name = new byte[MAX_NAME];
  private int nameLen;
  private boolean nameTooLong;
  private int field;

  private byte[] data;
  private int dataLen;
  private boolean dataSeen;
  private long eventBytes;
  private boolean oversized;

  private final byte[] eventType = new byte[MAX_EVENT_TYPE];
  private int eventTypeLen;
  private boolean eventTypeSet;

  /**
   * @param maxEventBytes the most data bytes one event may have
   * @param listener told about each event
   */
  public SseParser(int maxEventBytes, Listener listener) {
    this.maxEventBytes = maxEventBytes;
    this.listener = listener;
    this.data = new byte[Math.min(maxEventBytes, 64 * 1024)];
  }

  /** Parses the next bytes of the stream. */
  public void feed(byte[] b, int off, int len) {
    int end = off + len;
    int i = off;
    while (i < end) {
      byte c = b[i];
      if (lastCr) {
        lastCr = false;
        if (c == '\n') {
          i++;
          continue;
        }
      }
      if (c == '\n' || c == '\r') {
        lastCr = c == '\r';
        endOfLine();
        i++;
        continue;
      }
      switch (state) {
        case LINE_START -> {
          if (c == ':') {
            state = COMMENT;
          } else {
            name[0] = c;
            nameLen = 1;
            nameTooLong = false;
            state = NAME;
          }
          i++;
        }
        case NAME -> {
          if (c == ':') {
            startField();
            state = SPACE;
          } else if (nameLen < MAX_NAME) {
            name[nameLen++] = c;
          } else {
            nameTooLong = true;
          }
          i++;
        }
        case SPACE -> {
          state = VALUE;
          if (c == ' ') {
            i++;
          }
        }
        case VALUE -> {
          int j = i;
          while (j < end && b[j] != '\n' && b[j] != '\r') {
            j++;
          }
          value(b, i, j - i);
          i = j;
        }
        default -> {
          // A comment: skip to the end of the line.
          int j = i;
          while (j < end && b[j] != '\n' && b[j] != '\r') {
            j++;
          }
          i = j;
        }
      }
    }
  }

  private void startField() {
    if (nameTooLong) {
      field = FIELD_OTHER;
    } else if (is("data")) {
      field = FIELD_DATA;
      if (dataSeen) {
        value(NEWLINE, 0, 1);
      }
      dataSeen = true;
    } else if (is("event")) {
      field = FIELD_EVENT;
      eventTypeLen = 0;
      eventTypeSet = true;
    } else {
      field = FIELD_OTHER;
    }
  }

  private static final byte[] NEWLINE = {'\n'};

  private boolean is(String s) {
    if (nameLen != s.length()) {
      return false;
    }
    for (int k = 0; k < nameLen; k++) {
      if (name[k] != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  private void value(byte[] b, int off, int len) {
    if (field == FIELD_DATA) {
      eventBytes += len;
      if (oversized) {
        return;
      }
      if (dataLen + len > maxEventBytes) {
        oversized = true;
        return;
      }
      if (dataLen + len > data.length) {
        data =
            Arrays.copyOf(
                data, (int) Math.min(maxEventBytes, Math.max(data.length * 2L, dataLen + len)));
      }
      System.arraycopy(b, off, data, dataLen, len);
      dataLen += len;
    } else if (field == FIELD_EVENT) {
      int n = Math.min(len, MAX_EVENT_TYPE - eventTypeLen);
      System.arraycopy(b, off, eventType, eventTypeLen, n);
      eventTypeLen += n;
    }
  }

  private void endOfLine() {
    switch (state) {
      case LINE_START -> dispatch();
      case NAME -> {
        // A line without a colon is a field name with an empty value.
        startField();
      }
      default -> {}
    }
    state = LINE_START;
    field = FIELD_OTHER;
  }

  private void dispatch() {
    if (dataSeen) {
      String type = null;
      if (eventTypeSet && eventTypeLen > 0) {
        type = new String(eventType, 0, eventTypeLen, StandardCharsets.UTF_8);
        if (type.equals("message")) {
          type = null;
        }
      }
      if (oversized) {
        listener.onOversized(eventBytes);
      } else {
        listener.onEvent(type, data, dataLen);
      }
    }
    dataLen = 0;
    dataSeen = false;
    eventBytes = 0;
    oversized = false;
    eventTypeLen = 0;
    eventTypeSet = false;
  }

  /** Bytes held for the event being read (for tests and metrics). */
  int buffered() {
    return dataLen;
  }
}
