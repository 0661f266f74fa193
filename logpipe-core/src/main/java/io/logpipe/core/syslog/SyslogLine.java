package io.logpipe.core.syslog;

import io.logpipe.core.record.Facility;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import io.logpipe.core.record.Timestamps;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.TreeMap;

/**
 * The parse of one message: a cursor over its bytes and the fields found so far. Made per call by
 * {@link SyslogParser}, never shared, so it may be mutable. Offsets in problem reasons count from
 * the first byte of the message (0).
 */
final class SyslogLine {
  private static final int MAX_TAGS = LogRecordJson.MAX_TAGS;

  /** A BSD timestamp without year may lie at most this far after the observed time. */
  static final long FUTURE_WINDOW_SECONDS = 31L * 86_400;

  private static final String CF_SD_ID = "tags@47450";
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final int NOT_A_TIMESTAMP = -1;
  private static final int BAD_TIMESTAMP = -2;

  private final SyslogParser parser;
  private final byte[] b;

  /** Index of the message's first byte. */
  private final int base;

  /** Bytes kept as raw input of a problem: the input, or its first maxMessageBytes. */
  private final int rawLength;

  /** End of the bytes parsed: after the max-size cut and without trailing CR/LF. */
  private final int end;

  private final Instant observed;
  private final String sender;
  private StringBuilder problems;

  private Facility facility = Facility.USER;
  private Severity severity = Severity.NOTICE;
  private boolean rfc5424;
  private Instant time;
  private String host;
  private String program;
  private String pid;
  private String msgId;
  private TreeMap<String, String> tags;
  private int droppedTags;

  // RFC 5424 HOSTNAME, APP-NAME and PROCID as offsets (start -1: NILVALUE or absent); they become
  // strings only once the kind of record is known.
  private int hostStart = -1;
  private int hostEnd;
  private int appStart = -1;
  private int appEnd;
  private int procStart = -1;
  private int procEnd;

  // SD params of the element being read: nameStart, nameEnd, valueStart, valueEnd, escaped.
  private int[] sdParams;
  private int sdParamCount;

  // The Cloud Foundry tags@47450 element.
  private boolean cfElement;
  private String cfAppId;
  private String cfAppName;
  private String cfSpaceId;
  private String cfSpaceName;
  private String cfOrgId;
  private String cfOrgName;
  private String cfSourceType;
  private String cfInstance;

  /** Where MSG starts; {@code -1} means the whole line is the message. */
  private int msgStart = -1;

  private boolean sequenceSeen;
  private boolean timestampFlagged;

  // Result of the last timestamp parse.
  private long tsSecond;
  private int tsNano;
  private String tsError;
  private int tsErrorAt;

  SyslogLine(
      SyslogParser parser,
      byte[] b,
      int offset,
      int length,
      Instant observed,
      String sender,
      boolean truncated,
      String boundsProblem) {
    this.parser = parser;
    this.b = b;
    this.base = offset;
    this.observed = observed;
    this.sender = sender;
    int max = parser.options().maxMessageBytes();
    if (boundsProblem != null) {
      problem(boundsProblem);
    }
    if (truncated) {
      problem("truncated at " + length + " bytes");
    }
    if (length > max) {
      problem("truncated at " + max + " bytes of " + length);
      length = max;
    }
    rawLength = length;
    int e = offset + length;
    while (e > offset && (b[e - 1] == '\n' || b[e - 1] == '\r')) {
      e--;
    }
    end = e;
  }

  LogRecord parse() {
    scanBytes();
    if (end == base) {
      problem(rawLength == 0 ? "empty message" : "message holds only line-end bytes");
      msgStart = end;
      return build();
    }
    int i = base;
    boolean hadPri = false;
    if (b[i] == '<') {
      int j = i + 1;
      int value = 0;
      while (j < end && j - i <= 4 && isDigit(b[j])) {
        value = value * 10 + (b[j] - '0');
        j++;
      }
      int digits = j - i - 1;
      if (digits >= 1 && digits <= 3 && j < end && b[j] == '>') {
        hadPri = true;
        if (value <= 191) {
          facility = Facility.ofCode(value >> 3);
          severity = Severity.ofCode(value & 7);
        } else {
          problem("PRI " + value + " out of range 0..191 at byte 1");
        }
        i = j + 1;
      } else {
        String why;
        if (digits > 3) {
          why = "longer than 3 digits";
          j = i + 4;
        } else if (j >= end) {
          why = "cut short by end of input";
        } else if (digits == 0) {
          why = "expected a digit";
        } else {
          why = "expected '>'";
        }
        problem("PRI " + why + " at byte " + (j - base));
        return build();
      }
    }
    if (hadPri && i < end && b[i] == '1' && (i + 1 == end || b[i + 1] == ' ')) {
      parse5424(i + 2);
    } else {
      parse3164(i, hadPri);
    }
    return build();
  }

  // ---- RFC 5424 -------------------------------------------------------------------------------

  private void parse5424(int i) {
    rfc5424 = true;
    if (i >= end) {
      headerCut("TIMESTAMP");
      return;
    }
    int e = tokenEnd(i);
    boolean nilTime = isNil(i, e);
    if (nilTime) {
      time = null;
    } else if (parseRfc3339(i, e)) {
      time = Instant.ofEpochSecond(tsSecond, tsNano);
    } else {
      problem("RFC 5424 TIMESTAMP " + tsError + " at byte " + (tsErrorAt - base));
      if (e == end) {
        return;
      }
    }
    if (e == end) {
      headerCut("HOSTNAME");
      return;
    }
    i = e + 1;
    e = tokenEnd(i);
    if (!isNilOrEmpty(i, e)) {
      hostStart = i;
      hostEnd = e;
    }
    if (e == end) {
      headerCut("APP-NAME");
      return;
    }
    i = e + 1;
    e = tokenEnd(i);
    if (!isNilOrEmpty(i, e)) {
      appStart = i;
      appEnd = e;
    }
    if (e == end) {
      headerCut("PROCID");
      return;
    }
    i = e + 1;
    e = tokenEnd(i);
    if (!isNilOrEmpty(i, e)) {
      procStart = i;
      procEnd = e;
    }
    if (e == end) {
      headerCut("MSGID");
      return;
    }
    i = e + 1;
    e = tokenEnd(i);
    msgId = field(i, e);
    if (e == end) {
      headerCut("STRUCTURED-DATA");
      return;
    }
    parseStructuredData(e + 1);
  }

  private void headerCut(String missing) {
    problem("RFC 5424 header cut short: input ends before " + missing + " at byte " + (end - base));
    msgStart = -1;
  }

  /** A header field: null for NILVALUE or an empty field (two spaces in a row). */
  private String field(int s, int e) {
    return isNilOrEmpty(s, e) ? null : str(s, e);
  }

  private boolean isNilOrEmpty(int s, int e) {
    return e == s || isNil(s, e);
  }

  private void parseStructuredData(int i) {
    if (i >= end) {
      headerCut("STRUCTURED-DATA");
      return;
    }
    if (b[i] == '-') {
      i++;
      if (i == end) {
        msgStart = end;
      } else if (b[i] == ' ') {
        message5424(i + 1);
      } else {
        problem("RFC 5424 STRUCTURED-DATA expected SP after '-' at byte " + (i - base));
        msgStart = i - 1;
      }
      return;
    }
    if (b[i] != '[') {
      problem("RFC 5424 STRUCTURED-DATA expected '[' or '-' at byte " + (i - base));
      msgStart = i;
      return;
    }
    while (i < end && b[i] == '[') {
      i = parseSdElement(i);
      if (i < 0) {
        return;
      }
    }
    if (i == end) {
      msgStart = end;
    } else if (b[i] == ' ') {
      message5424(i + 1);
    } else {
      problem("RFC 5424 STRUCTURED-DATA expected SP after ']' at byte " + (i - base));
      msgStart = i;
    }
  }

  /** MSG from {@code i}, without a leading UTF-8 byte order mark. */
  private void message5424(int i) {
    if (i + 2 < end && b[i] == (byte) 0xEF && b[i + 1] == (byte) 0xBB && b[i + 2] == (byte) 0xBF) {
      i += 3;
    }
    msgStart = i;
  }

  /**
   * One {@code [SD-ID *(SP PARAM)]} element from {@code start}; returns the index after its {@code
   * ]}, or -1 after recording the problem (the message then starts at this element).
   */
  private int parseSdElement(int start) {
    int i = start + 1;
    int idStart = i;
    while (i < end && isSdNameByte(b[i])) {
      i++;
    }
    if (i == end) {
      return sdFail(start, i, "cut short by end of input");
    }
    if (i == idStart) {
      return sdFail(start, i, "expected an SD-ID");
    }
    if (b[i] != ' ' && b[i] != ']') {
      return sdFail(start, i, "unexpected byte in SD-ID");
    }
    int idEnd = i;
    sdParamCount = 0;
    while (true) {
      if (b[i] == ']') {
        commitSdElement(idStart, idEnd);
        return i + 1;
      }
      while (i < end && b[i] == ' ') {
        i++;
      }
      if (i == end) {
        return sdFail(start, i, "cut short by end of input");
      }
      if (b[i] == ']') {
        continue;
      }
      int nameStart = i;
      while (i < end && isSdNameByte(b[i])) {
        i++;
      }
      if (i == end) {
        return sdFail(start, i, "cut short by end of input");
      }
      if (i == nameStart) {
        return sdFail(start, i, "expected a PARAM-NAME");
      }
      if (b[i] != '=') {
        return sdFail(start, i, "expected '=' after PARAM-NAME");
      }
      int nameEnd = i;
      i++;
      if (i == end) {
        return sdFail(start, i, "cut short by end of input");
      }
      if (b[i] != '"') {
        return sdFail(start, i, "expected '\"' to open PARAM-VALUE");
      }
      i++;
      int valueStart = i;
      boolean escaped = false;
      while (i < end && b[i] != '"') {
        if (b[i] == '\\') {
          escaped = true;
          i++;
        }
        i++;
      }
      if (i >= end) {
        return sdFail(start, end, "PARAM-VALUE cut short by end of input");
      }
      int valueEnd = i;
      i++;
      if (i == end) {
        return sdFail(start, i, "cut short by end of input");
      }
      if (b[i] != ' ' && b[i] != ']') {
        return sdFail(start, i, "expected SP or ']' after PARAM-VALUE");
      }
      if (sdParams == null) {
        sdParams = new int[5 * 8];
      } else if (sdParams.length == sdParamCount * 5) {
        sdParams = Arrays.copyOf(sdParams, sdParams.length * 2);
      }
      int k = sdParamCount++ * 5;
      sdParams[k] = nameStart;
      sdParams[k + 1] = nameEnd;
      sdParams[k + 2] = valueStart;
      sdParams[k + 3] = valueEnd;
      sdParams[k + 4] = escaped ? 1 : 0;
    }
  }

  private int sdFail(int elementStart, int at, String why) {
    problem("RFC 5424 STRUCTURED-DATA " + why + " at byte " + (at - base));
    msgStart = elementStart;
    return -1;
  }

  /** Turns the params of a complete element into tags, or into app fields for tags@47450. */
  private void commitSdElement(int idStart, int idEnd) {
    if (isAscii(idStart, idEnd, CF_SD_ID)) {
      cfElement = true;
      for (int k = 0; k < sdParamCount * 5; k += 5) {
        cloudFoundryParam(
            sdParams[k], sdParams[k + 1], sdParams[k + 2], sdParams[k + 3], sdParams[k + 4] != 0);
      }
      return;
    }
    String id = str(idStart, idEnd);
    if (sdParamCount == 0) {
      tag(id, "");
      return;
    }
    for (int k = 0; k < sdParamCount * 5; k += 5) {
      tag(id + '.' + str(sdParams[k], sdParams[k + 1]), sdValue(k));
    }
  }

  private String sdValue(int k) {
    return sdParams[k + 4] != 0
        ? unescape(sdParams[k + 2], sdParams[k + 3])
        : str(sdParams[k + 2], sdParams[k + 3]);
  }

  /**
   * One param of tags@47450: the names the syslog agent writes for the app become fields, any other
   * name a plain tag. An app_id equal to APP-NAME is not kept twice.
   */
  private void cloudFoundryParam(int ns, int ne, int vs, int ve, boolean escaped) {
    switch (ne - ns) {
      case 6:
        if (isAscii(ns, ne, "app_id")) {
          if (escaped || appStart < 0 || !sameBytes(vs, ve, appStart, appEnd)) {
            cfAppId = value(vs, ve, escaped);
          }
          return;
        }
        break;
      case 8:
        if (isAscii(ns, ne, "app_name")) {
          cfAppName = value(vs, ve, escaped);
          return;
        }
        if (isAscii(ns, ne, "space_id")) {
          cfSpaceId = value(vs, ve, escaped);
          return;
        }
        break;
      case 10:
        if (isAscii(ns, ne, "space_name")) {
          cfSpaceName = value(vs, ve, escaped);
          return;
        }
        break;
      case 11:
        if (isAscii(ns, ne, "source_type")) {
          cfSourceType = value(vs, ve, escaped);
          return;
        }
        if (isAscii(ns, ne, "instance_id")) {
          cfInstance = value(vs, ve, escaped);
          return;
        }
        break;
      case 15:
        if (isAscii(ns, ne, "organization_id")) {
          cfOrgId = value(vs, ve, escaped);
          return;
        }
        break;
      case 17:
        if (isAscii(ns, ne, "organization_name")) {
          cfOrgName = value(vs, ve, escaped);
          return;
        }
        break;
      default:
        break;
    }
    tag(str(ns, ne), value(vs, ve, escaped));
  }

  private String value(int s, int e, boolean escaped) {
    return escaped ? unescape(s, e) : str(s, e);
  }

  private boolean sameBytes(int s1, int e1, int s2, int e2) {
    return Arrays.equals(b, s1, e1, b, s2, e2);
  }

  /**
   * PARAM-VALUE text: {@code \"}, {@code \\} and {@code \]} lose their backslash, others keep it.
   */
  private String unescape(int s, int e) {
    byte[] out = new byte[e - s];
    int n = 0;
    for (int k = s; k < e; k++) {
      byte c = b[k];
      if (c == '\\' && k + 1 < e && (b[k + 1] == '"' || b[k + 1] == '\\' || b[k + 1] == ']')) {
        c = b[++k];
      }
      out[n++] = c;
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** SD-NAME bytes: printable, not {@code = SP ] "}; bytes above ASCII are let through. */
  private static boolean isSdNameByte(byte c) {
    return (c > 32 && c < 127 && c != '=' && c != ']' && c != '"') || c < 0;
  }

  // ---- RFC 3164 -------------------------------------------------------------------------------

  private void parse3164(int i, boolean hadPri) {
    int afterPri = i;
    // Cisco IOS sequence number: "123: ".
    if (i < end && isDigit(b[i])) {
      int j = i;
      while (j < end && isDigit(b[j])) {
        j++;
      }
      if (j - i <= 10 && j + 1 < end && b[j] == ':' && b[j + 1] == ' ') {
        sequenceSeen = true;
        tag("sequence", str(i, j));
        i = j + 2;
      }
    }
    boolean hasTime = false;
    boolean ciscoColon = false;
    boolean afterHostname = false;
    if (isIsoDateAt(i)) {
      int e = tokenEnd(i);
      if (parseRfc3339(i, e)) {
        time = Instant.ofEpochSecond(tsSecond, tsNano);
        hasTime = true;
        i = e;
      } else {
        problem("RFC 3164 TIMESTAMP " + tsError + " at byte " + (tsErrorAt - base));
        timestampFlagged = true;
      }
    } else {
      int e = parseBsdTimestamp(i);
      if (e == NOT_A_TIMESTAMP && sequenceSeen) {
        // Cisco "logging origin-id": "123: router1: *Mar  1 18:46:11: ...".
        int te = tokenEnd(i);
        if (te - i >= 2 && te < end && b[te - 1] == ':') {
          int e2 = parseBsdTimestamp(te + 1);
          if (e2 >= 0) {
            host = str(i, te - 1);
            e = e2;
          }
        }
      }
      if (e >= 0) {
        hasTime = true;
        ciscoColon = e > i && b[e - 1] == ':';
        i = e;
      }
    }
    if (!hasTime && !hadPri) {
      if (!timestampFlagged) {
        problem("no PRI and no timestamp: not a syslog header, the whole line is the message");
      }
      msgStart = -1;
      return;
    }
    if (!hasTime) {
      i = timestampFlagged ? afterPri : i;
    } else {
      while (i < end && b[i] == ' ') {
        i++;
      }
      if (host == null && !ciscoColon) {
        int te = tokenEnd(i);
        if (te > i && !looksLikeTag(i, te)) {
          if (!isNil(i, te)) {
            host = str(i, te);
          }
          i = te < end ? te + 1 : te;
          afterHostname = true;
        }
      }
    }
    parseTag(i, afterHostname);
  }

  /** A token ending in ':' (but not an IPv6 address) or holding '[' is a TAG, not a HOSTNAME. */
  private boolean looksLikeTag(int s, int e) {
    for (int k = s; k < e; k++) {
      if (b[k] == '[') {
        return true;
      }
    }
    return b[e - 1] == ':' && !looksLikeIpv6(s, e);
  }

  private boolean looksLikeIpv6(int s, int e) {
    int colons = 0;
    for (int k = s; k < e; k++) {
      byte c = b[k];
      if (c == ':') {
        colons++;
      } else if (!isHexDigit(c) && c != '.') {
        return false;
      }
    }
    return colons >= 2;
  }

  /**
   * TAG forms: {@code name[pid]:}, {@code name:}, {@code name[pid]}. Right after a HOSTNAME the
   * first word is the TAG even without colon, as RFC 3164 section 4.1.3 has it and as rsyslog's
   * forward formats send messages that came in as RFC 5424 ({@code host app msg}). Elsewhere (no
   * timestamp, or no hostname) a word without '[' or a final ':' is no tag and the message starts
   * at {@code i}.
   */
  private void parseTag(int i, boolean afterHostname) {
    if (i >= end) {
      msgStart = end;
      return;
    }
    int te = tokenEnd(i);
    if (te == i) {
      msgStart = i;
      return;
    }
    int lb = -1;
    for (int k = i; k < te; k++) {
      if (b[k] == '[') {
        lb = k;
        break;
      }
    }
    if (lb >= 0) {
      if (lb > i) {
        program = str(i, lb);
      }
      int rb = -1;
      for (int k = lb + 1; k < te; k++) {
        if (b[k] == ']') {
          rb = k;
          break;
        }
      }
      int pidEnd = rb >= 0 ? rb : (b[te - 1] == ':' ? te - 1 : te);
      if (pidEnd > lb + 1) {
        pid = str(lb + 1, pidEnd);
      }
      int k = rb >= 0 ? rb + 1 : pidEnd;
      if (k < te && b[k] == ':') {
        k++;
      }
      if (k < te) {
        msgStart = k; // "name[1]:text" without a space
      } else {
        msgStart = te < end ? te + 1 : te;
      }
      return;
    }
    if (b[te - 1] == ':' && te - 1 > i) {
      program = str(i, te - 1);
      msgStart = te < end ? te + 1 : te;
      return;
    }
    if (afterHostname) {
      int colon = i;
      while (colon < te && b[colon] != ':') {
        colon++;
      }
      if (colon > i) {
        program = str(i, colon);
        msgStart = colon < te ? colon + 1 : te < end ? te + 1 : te;
        return;
      }
    }
    msgStart = i;
  }

  /**
   * A BSD timestamp at {@code i}: {@code Mmm dd hh:mm:ss} with the variants of real senders ({@code
   * Mmm d}, a Cisco {@code *} or {@code .} marker, a year after the day, a fraction, a zone name
   * and a colon after the time). Returns the index after it, {@link #NOT_A_TIMESTAMP} (nothing
   * recorded) or {@link #BAD_TIMESTAMP} (it started like one; a problem is recorded).
   */
  private int parseBsdTimestamp(int i) {
    byte marker = 0;
    if (i < end && (b[i] == '*' || b[i] == '.')) {
      marker = b[i];
      i++;
    }
    int month = monthAt(i);
    if (month == 0) {
      return NOT_A_TIMESTAMP;
    }
    i += 3;
    if (i >= end || b[i] != ' ') {
      return NOT_A_TIMESTAMP;
    }
    i++;
    if (i < end && b[i] == ' ') {
      i++;
    }
    if (i >= end || !isDigit(b[i])) {
      return NOT_A_TIMESTAMP;
    }
    int dayAt = i;
    int day = b[i++] - '0';
    if (i < end && isDigit(b[i])) {
      day = day * 10 + (b[i++] - '0');
    }
    // From here on it is a timestamp, or a broken one.
    if (i >= end) {
      return bsdFail(i, "cut short by end of input");
    }
    if (b[i] != ' ') {
      return bsdFail(i, "expected SP after the day");
    }
    i++;
    int year = -1;
    if (i + 4 < end
        && isDigit(b[i])
        && isDigit(b[i + 1])
        && isDigit(b[i + 2])
        && isDigit(b[i + 3])
        && b[i + 4] == ' ') {
      year = num(i, 4, end);
      i += 5;
    }
    int hourAt = i;
    if (i >= end) {
      return bsdFail(i, "cut short by end of input");
    }
    if (!isDigit(b[i])) {
      return bsdFail(i, "expected a digit");
    }
    int hour = b[i++] - '0';
    if (i < end && isDigit(b[i])) {
      hour = hour * 10 + (b[i++] - '0');
    }
    if (i >= end) {
      return bsdFail(i, "cut short by end of input");
    }
    if (b[i] != ':') {
      return bsdFail(i, "expected ':'");
    }
    i++;
    int minuteAt = i;
    int minute = num(i, 2, end);
    if (minute < 0) {
      return bsdFail(firstNonDigit(i, 2, end), digitWhy(firstNonDigit(i, 2, end), end));
    }
    i += 2;
    if (i >= end) {
      return bsdFail(i, "cut short by end of input");
    }
    if (b[i] != ':') {
      return bsdFail(i, "expected ':'");
    }
    i++;
    int secondAt = i;
    int second = num(i, 2, end);
    if (second < 0) {
      return bsdFail(firstNonDigit(i, 2, end), digitWhy(firstNonDigit(i, 2, end), end));
    }
    i += 2;
    int nano = 0;
    boolean fraction = false;
    if (i + 1 < end && b[i] == '.' && isDigit(b[i + 1])) {
      fraction = true;
      i++;
      int digits = 0;
      while (i < end && isDigit(b[i])) {
        if (digits < 9) {
          nano = nano * 10 + (b[i] - '0');
          digits++;
        }
        i++;
      }
      for (; digits < 9; digits++) {
        nano *= 10;
      }
    }
    boolean utc = false;
    if ((marker != 0 || fraction || sequenceSeen) && i < end && b[i] == ' ') {
      // Cisco "show-timezone": "18:46:11.123 UTC:".
      int z = i + 1;
      int k = z;
      while (k < end && k - z < 6 && b[k] >= 'A' && b[k] <= 'Z') {
        k++;
      }
      if (k - z >= 3 && k - z <= 5 && k < end && b[k] == ':') {
        utc = isAscii(z, k, "UTC") || isAscii(z, k, "GMT");
        i = k;
      }
    }
    if (i < end && b[i] == ':') {
      i++;
    }
    if (i < end && b[i] != ' ') {
      return bsdFail(i, "unexpected byte after the time");
    }
    if (day < 1 || day > maxDayOf(month)) {
      return bsdFail(dayAt, "day " + day + " out of range for " + MONTHS[month - 1]);
    }
    if (hour > 23) {
      return bsdFail(hourAt, "hour " + hour + " out of range");
    }
    if (minute > 59) {
      return bsdFail(minuteAt, "minute " + minute + " out of range");
    }
    if (second > 59) {
      return bsdFail(secondAt, "second " + second + " out of range");
    }
    long epochSecond;
    if (year >= 0) {
      if (day > Timestamps.daysIn(year, month)) {
        return bsdFail(dayAt, "day " + day + " out of range for " + MONTHS[month - 1] + " " + year);
      }
      epochSecond = toEpochSecond(year, month, day, hour, minute, second, utc);
    } else {
      epochSecond = inferYear(month, day, hour, minute, second, utc);
    }
    time = Instant.ofEpochSecond(epochSecond, nano);
    if (marker != 0) {
      tag("clock_marker", marker == '*' ? "*" : ".");
    }
    return i;
  }

  private int bsdFail(int at, String why) {
    problem("RFC 3164 TIMESTAMP " + why + " at byte " + (at - base));
    timestampFlagged = true;
    return BAD_TIMESTAMP;
  }

  /**
   * The year of a BSD timestamp, which has none: the latest year that does not put the timestamp
   * more than {@link #FUTURE_WINDOW_SECONDS} after the observed time (so at most a month ahead and
   * up to eleven months back). February 29 looks back up to four years for a leap year.
   */
  private long inferYear(int month, int day, int hour, int minute, int second, boolean utc) {
    long localNow = observed.getEpochSecond() + (utc ? 0 : parser.offsetSecondsAt(observed));
    int nowYear = yearOfEpochDay(Math.floorDiv(localNow, 86_400L));
    long limit = observed.getEpochSecond() + FUTURE_WINDOW_SECONDS;
    long fallback = Long.MIN_VALUE;
    for (int y = nowYear + 1; y >= nowYear - 4; y--) {
      if (day > Timestamps.daysIn(y, month)) {
        continue;
      }
      long t = toEpochSecond(y, month, day, hour, minute, second, utc);
      if (t <= limit) {
        return t;
      }
      fallback = t;
    }
    // Only reachable for Feb 29 around a century year without leap day; take the nearest found.
    return fallback != Long.MIN_VALUE
        ? fallback
        : toEpochSecond(nowYear, month, Math.min(day, 28), hour, minute, second, utc);
  }

  private long toEpochSecond(
      int year, int month, int day, int hour, int minute, int second, boolean utc) {
    if (utc) {
      return Timestamps.daysFromCivil(year, month, day) * 86_400L
          + hour * 3600L
          + minute * 60L
          + second;
    }
    return parser.localToEpochSecond(year, month, day, hour, minute, second);
  }

  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };

  /** The month 1..12 whose English abbreviation (any case) starts at {@code i}, or 0. */
  private int monthAt(int i) {
    if (i + 3 > end) {
      return 0;
    }
    int c0 = b[i] | 0x20;
    int c1 = b[i + 1] | 0x20;
    int c2 = b[i + 2] | 0x20;
    switch (c0 << 16 | c1 << 8 | c2) {
      case 'j' << 16 | 'a' << 8 | 'n':
        return 1;
      case 'f' << 16 | 'e' << 8 | 'b':
        return 2;
      case 'm' << 16 | 'a' << 8 | 'r':
        return 3;
      case 'a' << 16 | 'p' << 8 | 'r':
        return 4;
      case 'm' << 16 | 'a' << 8 | 'y':
        return 5;
      case 'j' << 16 | 'u' << 8 | 'n':
        return 6;
      case 'j' << 16 | 'u' << 8 | 'l':
        return 7;
      case 'a' << 16 | 'u' << 8 | 'g':
        return 8;
      case 's' << 16 | 'e' << 8 | 'p':
        return 9;
      case 'o' << 16 | 'c' << 8 | 't':
        return 10;
      case 'n' << 16 | 'o' << 8 | 'v':
        return 11;
      case 'd' << 16 | 'e' << 8 | 'c':
        return 12;
      default:
        return 0;
    }
  }

  private static int maxDayOf(int month) {
    return month == 2 ? 29 : Timestamps.daysIn(2001, month);
  }

  private boolean isIsoDateAt(int i) {
    return i + 4 < end
        && isDigit(b[i])
        && isDigit(b[i + 1])
        && isDigit(b[i + 2])
        && isDigit(b[i + 3])
        && b[i + 4] == '-';
  }

  // ---- RFC 3339 timestamps (RFC 5424, and ISO 8601 in RFC 3164 forward formats) --------------

  /**
   * Parses {@code [s, e)} as {@code YYYY-MM-DDThh:mm:ss[.f...](Z|+hh:mm|-hh:mm)}; sets {@link
   * #tsSecond} and {@link #tsNano}, or {@link #tsError} and {@link #tsErrorAt} and returns false.
   * Lenient in what real senders do: lower-case {@code t}/{@code z}, more than 6 fraction digits
   * (kept to the nanosecond, more than 9 cut), {@code +hhmm}, and no offset at all (read in the
   * default zone).
   */
  private boolean parseRfc3339(int s, int e) {
    int i = s;
    int year = num(i, 4, e);
    if (year < 0) {
      return tsBad(firstNonDigit(i, 4, e), e, "expected a digit");
    }
    i += 4;
    if (!byteAt(i, e, '-')) {
      return tsBad(i, e, "expected '-'");
    }
    i++;
    int month = num(i, 2, e);
    if (month < 0) {
      return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
    }
    if (month < 1 || month > 12) {
      return tsBad(i, e, "month " + month + " out of range");
    }
    i += 2;
    if (!byteAt(i, e, '-')) {
      return tsBad(i, e, "expected '-'");
    }
    i++;
    int day = num(i, 2, e);
    if (day < 0) {
      return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
    }
    if (day < 1 || day > Timestamps.daysIn(year, month)) {
      return tsBad(i, e, "day " + day + " out of range");
    }
    i += 2;
    if (i >= e || (b[i] != 'T' && b[i] != 't')) {
      return tsBad(i, e, "expected 'T'");
    }
    i++;
    int hour = num(i, 2, e);
    if (hour < 0) {
      return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
    }
    if (hour > 23) {
      return tsBad(i, e, "hour " + hour + " out of range");
    }
    i += 2;
    if (!byteAt(i, e, ':')) {
      return tsBad(i, e, "expected ':'");
    }
    i++;
    int minute = num(i, 2, e);
    if (minute < 0) {
      return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
    }
    if (minute > 59) {
      return tsBad(i, e, "minute " + minute + " out of range");
    }
    i += 2;
    if (!byteAt(i, e, ':')) {
      return tsBad(i, e, "expected ':'");
    }
    i++;
    int second = num(i, 2, e);
    if (second < 0) {
      return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
    }
    if (second > 59) {
      return tsBad(i, e, "second " + second + " out of range");
    }
    i += 2;
    int nano = 0;
    if (i < e && b[i] == '.') {
      i++;
      int digits = 0;
      while (i < e && isDigit(b[i])) {
        if (digits < 9) {
          nano = nano * 10 + (b[i] - '0');
        }
        digits++;
        i++;
      }
      if (digits == 0) {
        return tsBad(i, e, "expected a fraction digit");
      }
      for (; digits < 9; digits++) {
        nano *= 10;
      }
    }
    long local =
        Timestamps.daysFromCivil(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second;
    if (i == e) {
      tsSecond = parser.localToEpochSecond(year, month, day, hour, minute, second);
    } else if (b[i] == 'Z' || b[i] == 'z') {
      i++;
      tsSecond = local;
    } else if (b[i] == '+' || b[i] == '-') {
      int sign = b[i] == '-' ? -1 : 1;
      i++;
      int oh = num(i, 2, e);
      if (oh < 0) {
        return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
      }
      if (oh > 23) {
        return tsBad(i, e, "offset hour " + oh + " out of range");
      }
      i += 2;
      if (i < e && b[i] == ':') {
        i++;
      }
      int om = num(i, 2, e);
      if (om < 0) {
        return tsBad(firstNonDigit(i, 2, e), e, "expected a digit");
      }
      if (om > 59) {
        return tsBad(i, e, "offset minute " + om + " out of range");
      }
      i += 2;
      tsSecond = local - sign * (oh * 3600L + om * 60L);
    } else {
      return tsBad(i, e, "expected 'Z', '+' or '-'");
    }
    if (i != e) {
      return tsBad(i, e, "unexpected byte after the offset");
    }
    tsNano = nano;
    return true;
  }

  private boolean tsBad(int at, int e, String why) {
    tsErrorAt = at;
    if (at >= e) {
      tsError = e == end ? "cut short by end of input" : "cut short";
    } else {
      tsError = why;
    }
    return false;
  }

  // ---- bytes ----------------------------------------------------------------------------------

  /** Flags invalid UTF-8 and NUL anywhere in the parsed bytes; both keep the raw input. */
  private void scanBytes() {
    int nul = -1;
    int bad = -1;
    int i = base;
    while (i < end) {
      // Eight bytes at a time while they are ASCII without NUL: the common case.
      if (i + 8 <= end) {
        long w = (long) LONGS.get(b, i);
        if (((w | ((w - 0x0101010101010101L) & ~w)) & 0x8080808080808080L) == 0) {
          i += 8;
          continue;
        }
      }
      byte c = b[i];
      if (c > 0) {
        i++;
      } else if (c == 0) {
        if (nul < 0) {
          nul = i;
          if (bad >= 0) {
            break;
          }
        }
        i++;
      } else {
        int n = Utf8.sequenceLength(b, i, end);
        if (n > 0) {
          i += n;
        } else {
          if (bad < 0) {
            bad = i;
            if (nul >= 0) {
              break;
            }
          }
          i++;
        }
      }
    }
    if (bad >= 0) {
      problem("invalid UTF-8 at byte " + (bad - base));
    }
    if (nul >= 0) {
      problem("NUL byte at byte " + (nul - base));
    }
  }

  private int tokenEnd(int i) {
    while (i < end && b[i] != ' ') {
      i++;
    }
    return i;
  }

  private boolean isNil(int s, int e) {
    return e - s == 1 && b[s] == '-';
  }

  private boolean byteAt(int i, int e, char c) {
    return i < e && b[i] == c;
  }

  private boolean isAscii(int s, int e, String text) {
    if (e - s != text.length()) {
      return false;
    }
    for (int k = 0; k < text.length(); k++) {
      if (b[s + k] != text.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The decimal value of {@code n} digits at {@code i}, or -1 if they are not all digits. */
  private int num(int i, int n, int e) {
    if (i + n > e) {
      return -1;
    }
    int v = 0;
    for (int k = i; k < i + n; k++) {
      byte c = b[k];
      if (!isDigit(c)) {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private int firstNonDigit(int i, int n, int e) {
    for (int k = i; k < i + n; k++) {
      if (k >= e || !isDigit(b[k])) {
        return k;
      }
    }
    return i + n;
  }

  private String digitWhy(int at, int e) {
    return at >= e ? "cut short by end of input" : "expected a digit";
  }

  private static boolean isDigit(byte c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isHexDigit(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private String str(int s, int e) {
    return new String(b, s, e - s, StandardCharsets.UTF_8);
  }

  private void problem(String reason) {
    if (problems == null) {
      problems = new StringBuilder(reason);
    } else {
      problems.append("; ").append(reason);
    }
  }

  private void tag(String name, String value) {
    if (tags == null) {
      tags = new TreeMap<>();
    } else if (tags.size() >= MAX_TAGS && !tags.containsKey(name)) {
      droppedTags++;
      return;
    }
    tags.put(name, value);
  }

  static int yearOfEpochDay(long epochDay) {
    long z = epochDay + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long month = mp < 10 ? mp + 3 : mp - 9;
    return (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));
  }

  // ---- the record -----------------------------------------------------------------------------

  private LogRecord build() {
    String message = msgStart < 0 ? str(base, end) : msgStart >= end ? "" : str(msgStart, end);
    LogRecord.Builder r;
    if (msgId != null) {
      tag("msgid", msgId);
    }
    if (rfc5424) {
      if (isCloudFoundryDrain()) {
        r = cloudFoundryApp();
      } else {
        host = hostStart < 0 ? null : str(hostStart, hostEnd);
        program = appStart < 0 ? null : str(appStart, appEnd);
        pid = procStart < 0 ? null : str(procStart, procEnd);
        r = component();
      }
    } else {
      r = component();
    }
    if (droppedTags > 0) {
      problem("more than " + MAX_TAGS + " tags: " + droppedTags + " dropped");
    }
    r.time(time != null ? time : observed)
        .observedTime(observed)
        .message(message)
        .datacenter(parser.options().datacenter());
    if (tags != null) {
      r.tags(Collections.unmodifiableSortedMap(tags));
    }
    if (problems != null) {
      r.problem(ParseProblem.ofBytes(problems.toString(), b, base, rawLength));
    }
    return r.build();
  }

  private LogRecord.Builder component() {
    return LogRecord.component()
        .host(host != null ? host : sender)
        .program(program)
        .pid(pid)
        .facility(facility)
        .severity(severity);
  }

  /**
   * The Cloud Foundry drain form: a {@code tags@47450} element, or an APP-NAME that is a GUID with
   * a bracketed PROCID such as {@code [APP/PROC/WEB/0]}.
   */
  private boolean isCloudFoundryDrain() {
    return cfElement
        || (appStart >= 0
            && isGuid(appStart, appEnd)
            && procStart >= 0
            && procEnd - procStart >= 2
            && b[procStart] == '['
            && b[procEnd - 1] == ']');
  }

  private LogRecord.Builder cloudFoundryApp() {
    LogRecord.Builder r = LogRecord.app();
    String appId = appStart >= 0 ? str(appStart, appEnd) : cfAppId;
    if (cfAppId != null && !cfAppId.equals(appId)) {
      tag("app_id", cfAppId);
    }
    // HOSTNAME is org.space.app, each part sanitised (no dots); names from tags@47450 win.
    String orgName = cfOrgName;
    String spaceName = cfSpaceName;
    String appName = cfAppName;
    if (hostStart >= 0) {
      int dot1 = indexOf('.', hostStart, hostEnd);
      int dot2 = dot1 < 0 ? -1 : indexOf('.', dot1 + 1, hostEnd);
      if (dot1 > hostStart
          && dot2 > dot1 + 1
          && dot2 < hostEnd - 1
          && indexOf('.', dot2 + 1, hostEnd) < 0) {
        orgName = orgName != null ? orgName : str(hostStart, dot1);
        spaceName = spaceName != null ? spaceName : str(dot1 + 1, dot2);
        appName = appName != null ? appName : str(dot2 + 1, hostEnd);
      } else {
        r.host(str(hostStart, hostEnd));
      }
    }
    String sourceType = cfSourceType;
    String instance = null;
    if (procStart >= 0) {
      int s = procStart;
      int e = procEnd;
      if (e - s >= 2 && b[s] == '[' && b[e - 1] == ']') {
        s++;
        e--;
      }
      // "[SOURCE_TYPE/INSTANCE]" with source_type upper-cased and spaces made dashes, or
      // "[SOURCE_TYPE]"; without tags, an all-digit or GUID last segment is the instance.
      int k = cfSourceType == null ? -1 : matchSanitized(s, e, cfSourceType);
      if (k >= 0 && (k == e || (b[k] == '/' && k + 1 < e))) {
        instance = k == e ? null : str(k + 1, e);
      } else {
        int slash = lastIndexOf('/', s, e);
        int last = slash < 0 ? s : slash + 1;
        if (isAllDigits(last, e) || isGuid(last, e)) {
          instance = str(last, e);
          if (sourceType == null && slash > s) {
            sourceType = str(s, slash);
          }
        } else if (sourceType == null && e > s) {
          sourceType = str(s, e);
        }
      }
    }
    Stream stream =
        severity == Severity.ERR ? Stream.ERR : severity == Severity.INFO ? Stream.OUT : null;
    return r
        .appId(appId)
        .appName(appName)
        .spaceId(cfSpaceId)
        .spaceName(spaceName)
        .orgId(cfOrgId)
        .orgName(orgName)
        .sourceType(sourceType)
        .instance(instance != null ? instance : cfInstance)
        .stream(stream)
        .facility(facility)
        .severity(severity);
  }

  /**
   * Where {@code [s, e)} stops matching {@code sourceType} as the syslog agent writes it into
   * PROCID (ASCII upper case, spaces as '-', control characters removed), or -1.
   */
  private int matchSanitized(int s, int e, String sourceType) {
    int k = s;
    for (int c = 0; c < sourceType.length(); c++) {
      char ch = sourceType.charAt(c);
      byte want;
      if (ch == ' ') {
        want = '-';
      } else if (ch < ' ' || ch == 127) {
        continue;
      } else if (ch > 127) {
        return -1;
      } else {
        want = (byte) (ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
      }
      if (k >= e || b[k] != want) {
        return -1;
      }
      k++;
    }
    return k;
  }

  private int indexOf(char c, int s, int e) {
    for (int k = s; k < e; k++) {
      if (b[k] == c) {
        return k;
      }
    }
    return -1;
  }

  private int lastIndexOf(char c, int s, int e) {
    for (int k = e - 1; k >= s; k--) {
      if (b[k] == c) {
        return k;
      }
    }
    return -1;
  }

  private boolean isAllDigits(int s, int e) {
    if (s >= e) {
      return false;
    }
    for (int k = s; k < e; k++) {
      if (!isDigit(b[k])) {
        return false;
      }
    }
    return true;
  }

  /** {@code 8-4-4-4-12} hex digits, any case. */
  private boolean isGuid(int s, int e) {
    if (e - s != 36) {
      return false;
    }
    for (int k = 0; k < 36; k++) {
      byte c = b[s + k];
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!isHexDigit(c)) {
        return false;
      }
    }
    return true;
  }
}
