package io.logpipe.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.record.Facility;
import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SyslogParserTest {
  static final String GUID = "0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1";

  static SyslogParser parser(String now, ZoneId zone) {
    return new SyslogParser(
        SyslogParser.Options.defaults()
            .withClock(Clock.fixed(Instant.parse(now), ZoneOffset.UTC))
            .withDefaultZone(zone));
  }

  static LogRecord parse(SyslogParser p, String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return p.parse(b, 0, b.length, null, "192.0.2.10");
  }

  static LogRecord parse(String line) {
    return parse(parser("2026-11-26T12:00:00Z", ZoneOffset.UTC), line);
  }

  @Nested
  class YearInference {
    @ParameterizedTest(name = "now {0}: ''{1}'' is {2}")
    @CsvSource({
      // Dec 31 received on Jan 1 is last year; Jan 1 received on Dec 31 is next year.
      "2027-01-01T00:05:00Z, Dec 31 23:59:00, 2026-12-31T23:59:00Z",
      "2026-12-31T23:59:00Z, Jan  1 00:01:00, 2027-01-01T00:01:00Z",
      // Up to 31 days ahead stays in this year (or the next), more goes back a year.
      "2026-03-01T00:00:00Z, Mar 31 23:59:59, 2026-03-31T23:59:59Z",
      "2026-03-01T00:00:00Z, Apr  1 00:00:00, 2026-04-01T00:00:00Z",
      "2026-03-01T00:00:00Z, Apr  1 00:00:01, 2025-04-01T00:00:01Z",
      "2026-03-01T00:00:00Z, Oct  1 12:00:00, 2025-10-01T12:00:00Z",
      "2026-03-01T00:00:00Z, Feb 28 23:00:00, 2026-02-28T23:00:00Z",
      "2026-12-15T00:00:00Z, Jan 15 00:00:00, 2027-01-15T00:00:00Z",
      "2026-12-15T00:00:00Z, Jan 15 00:00:01, 2026-01-15T00:00:01Z",
      // February 29 goes back to the latest leap year.
      "2026-06-01T00:00:00Z, Feb 29 12:00:00, 2024-02-29T12:00:00Z",
      "2028-03-10T00:00:00Z, Feb 29 12:00:00, 2028-02-29T12:00:00Z",
      "2028-02-01T00:00:00Z, Feb 29 12:00:00, 2028-02-29T12:00:00Z",
      "2028-01-01T00:00:00Z, Feb 29 12:00:00, 2024-02-29T12:00:00Z",
    })
    void theLatestYearNotMoreThan31DaysAhead(String now, String bsd, String expected) {
      LogRecord r = parse(parser(now, ZoneOffset.UTC), "<13>" + bsd + " host1 app: x");
      assertThat(r.problem()).isNull();
      assertThat(r.time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void isRelativeToTheObservedTimeNotTheClock() {
      SyslogParser p = parser("2030-06-01T00:00:00Z", ZoneOffset.UTC);
      byte[] b = "<13>Dec 31 23:59:00 host1 app: x".getBytes(StandardCharsets.UTF_8);
      Instant observed = Instant.parse("2027-01-01T00:00:10Z");
      LogRecord r = p.parse(b, 0, b.length, observed, null);
      assertThat(r.time()).isEqualTo(Instant.parse("2026-12-31T23:59:00Z"));
      assertThat(r.observedTime()).isEqualTo(observed);
    }

    @Test
    void usesTheDefaultZonesCalendarForTheCurrentYear() {
      // 23:30 UTC on Dec 31 is already 12:30 on Jan 1 in Auckland (+13).
      SyslogParser p = parser("2026-12-31T23:30:00Z", ZoneId.of("Pacific/Auckland"));
      LogRecord r = parse(p, "<13>Jan  1 12:00:00 host1 app: x");
      assertThat(r.time()).isEqualTo(Instant.parse("2026-12-31T23:00:00Z"));
      r = parse(p, "<13>Dec 31 12:00:00 host1 app: x");
      assertThat(r.time()).isEqualTo(Instant.parse("2026-12-30T23:00:00Z"));
    }

    @Test
    void anExplicitYearIsNotInferred() {
      LogRecord r = parse("<13>Jul 24 2019 10:11:12 host1 app: x");
      assertThat(r.time()).isEqualTo(Instant.parse("2019-07-24T10:11:12Z"));
    }

    @Test
    void usesTheClockWhenNoObservedTimeIsGiven() {
      LogRecord r = parse(parser("2026-11-26T12:00:00Z", ZoneOffset.UTC), "<13>1 - h a - - - x");
      assertThat(r.observedTime()).isEqualTo(Instant.parse("2026-11-26T12:00:00Z"));
      assertThat(r.time()).isEqualTo(r.observedTime());
    }
  }

  @Nested
  class TimeZones {
    final ZoneId berlin = ZoneId.of("Europe/Berlin");

    @ParameterizedTest(name = "''{0}'' in Berlin is {1}")
    @CsvSource({
      "Nov 26 11:00:00, 2026-11-26T10:00:00Z", // CET, +01:00
      "Jul 26 11:00:00, 2026-07-26T09:00:00Z", // CEST, +02:00
      // Spring forward, 2026-03-29 02:00 -> 03:00: 02:30 does not exist and is read with the
      // offset before the gap (as ZonedDateTime.of would move it to 03:30 CEST).
      "Mar 29 01:59:59, 2026-03-29T00:59:59Z",
      "Mar 29 02:30:00, 2026-03-29T01:30:00Z",
      "Mar 29 03:00:00, 2026-03-29T01:00:00Z",
      // Fall back, 2026-10-25 03:00 -> 02:00: 02:30 happens twice; the earlier offset wins.
      "Oct 25 02:30:00, 2026-10-25T00:30:00Z",
      "Oct 25 03:00:00, 2026-10-25T02:00:00Z",
    })
    void bsdTimestampsAreReadInTheDefaultZone(String bsd, String expected) {
      LogRecord r = parse(parser("2026-11-26T12:00:00Z", berlin), "<13>" + bsd + " host1 app: x");
      assertThat(r.time()).isEqualTo(Instant.parse(expected));
    }

    @Test
    void aFixedOffsetZoneWorksToo() {
      SyslogParser p = parser("2026-11-26T12:00:00Z", ZoneOffset.ofHoursMinutes(5, 30));
      assertThat(parse(p, "<13>Nov 26 16:30:00 host1 app: x").time())
          .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
    }

    @Test
    void timestampsWithoutOffsetAreReadInTheDefaultZone() {
      SyslogParser p = parser("2026-11-26T12:00:00Z", ZoneId.of("America/New_York"));
      assertThat(parse(p, "<13>2026-11-26T06:00:00 host1 app: x").time())
          .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
      assertThat(parse(p, "<13>1 2026-11-26T06:00:00.5 host1 app - - - x").time())
          .isEqualTo(Instant.parse("2026-11-26T11:00:00.5Z"));
    }

    @Test
    void explicitOffsetsAndCiscoUtcIgnoreTheDefaultZone() {
      SyslogParser p = parser("2026-11-26T12:00:00Z", berlin);
      assertThat(parse(p, "<13>1 2026-11-26T11:00:00Z host1 app - - - x").time())
          .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
      assertThat(parse(p, "<13>2026-11-26T11:00:00-01:00 host1 app: x").time())
          .isEqualTo(Instant.parse("2026-11-26T12:00:00Z"));
      assertThat(parse(p, "<189>1: *Nov 26 11:00:00.000 UTC: %SYS-5-X: x").time())
          .isEqualTo(Instant.parse("2026-11-26T11:00:00Z"));
      assertThat(parse(p, "<189>1: *Nov 26 11:00:00.000 CET: %SYS-5-X: x").time())
          .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    }

    @Test
    void offsetsWithoutColonAreAccepted() {
      assertThat(parse("<13>1 2026-11-26T11:00:00+0100 host1 app - - - x").time())
          .isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
    }
  }

  @Nested
  class ClockSkew {
    @Test
    void eventTimesFarFromNowAreKeptAsSent() {
      assertThat(parse("<13>1 2099-01-01T00:00:00Z host1 app - - - x").time())
          .isEqualTo(Instant.parse("2099-01-01T00:00:00Z"));
      assertThat(parse("<13>1 1970-01-01T00:00:00Z host1 app - - - x").time())
          .isEqualTo(Instant.EPOCH);
      LogRecord r = parse("<13>1 0001-01-01T00:00:00Z host1 app - - - x");
      assertThat(r.problem()).isNull();
      assertThat(r.time()).isEqualTo(Instant.parse("0001-01-01T00:00:00Z"));
    }
  }

  @Nested
  class Pri {
    @ParameterizedTest
    @CsvSource({
      "<0>, KERN, EMERG",
      "<191>, LOCAL7, DEBUG",
      "<013>, USER, NOTICE",
      "<14>, USER, INFO"
    })
    void decodesFacilityAndSeverity(String pri, Facility facility, Severity severity) {
      LogRecord r = parse(pri + "Nov 26 11:00:00 host1 app: x");
      assertThat(r.facility()).isEqualTo(facility);
      assertThat(r.severity()).isEqualTo(severity);
      assertThat(r.problem()).isNull();
    }

    @Test
    void missingPriIsUserNoticeAndNotAProblemWhenATimestampFollows() {
      LogRecord r = parse("Nov 26 11:00:00 host1 app: x");
      assertThat(r.facility()).isEqualTo(Facility.USER);
      assertThat(r.severity()).isEqualTo(Severity.NOTICE);
      assertThat(r.problem()).isNull();
      assertThat(parse("2026-11-26T11:00:00Z host1 app: x").problem()).isNull();
    }
  }

  @Nested
  class CloudFoundry {
    @ParameterizedTest(name = "{0}")
    @CsvSource({
      "[APP/PROC/WEB/0], APP/PROC/WEB, 0",
      "[APP/PROC/WEB], APP/PROC/WEB, ",
      "[RTR/1], RTR, 1",
      "[STG/0], STG, 0",
      "[MY-TASK/2], MY-TASK, 2",
      "[CELL/SSHD/" + GUID + "], CELL/SSHD, " + GUID,
      "[3], , 3",
    })
    void procIdGivesSourceTypeAndInstance(String procId, String sourceType, String instance) {
      LogRecord r = parse("<14>1 2026-11-26T11:00:00Z o.s.a " + GUID + " " + procId + " - - x\n");
      assertThat(r.kind()).isEqualTo(Kind.APP);
      assertThat(r.appId()).isEqualTo(GUID);
      assertThat(r.orgName()).isEqualTo("o");
      assertThat(r.spaceName()).isEqualTo("s");
      assertThat(r.appName()).isEqualTo("a");
      assertThat(r.sourceType()).isEqualTo(sourceType);
      assertThat(r.instance()).isEqualTo(instance);
      assertThat(r.stream()).isEqualTo(Stream.OUT);
      assertThat(r.message()).isEqualTo("x");
      assertThat(r.host()).isNull();
      assertThat(r.problem()).isNull();
    }

    @Test
    void priElevenIsStderr() {
      LogRecord r = parse("<11>1 2026-11-26T11:00:00Z o.s.a " + GUID + " [APP/PROC/WEB/0] - - x");
      assertThat(r.stream()).isEqualTo(Stream.ERR);
      assertThat(r.severity()).isEqualTo(Severity.ERR);
    }

    @Test
    void guidWithoutBracketedProcIdIsAComponent() {
      LogRecord r = parse("<14>1 2026-11-26T11:00:00Z host1 " + GUID + " 1234 - - x");
      assertThat(r.kind()).isEqualTo(Kind.COMPONENT);
      assertThat(r.program()).isEqualTo(GUID);
      assertThat(r.pid()).isEqualTo("1234");
    }

    @Test
    void bracketedProcIdWithoutGuidIsAComponent() {
      LogRecord r = parse("<14>1 2026-11-26T11:00:00Z host1 app [x] - - x");
      assertThat(r.kind()).isEqualTo(Kind.COMPONENT);
    }

    @Test
    void theTagsElementMakesAnAppRecordEvenWithoutGuid() {
      LogRecord r =
          parse(
              "<14>1 2026-11-26T11:00:00Z weird-host src [APP/PROC/WEB/1] - [tags@47450"
                  + " app_name=\"a\" space_id=\"sid\" organization_id=\"oid\" instance_id=\"9\""
                  + " app_id=\"other\" custom=\"c\"] x");
      assertThat(r.kind()).isEqualTo(Kind.APP);
      assertThat(r.appId()).isEqualTo("src");
      assertThat(r.appName()).isEqualTo("a");
      assertThat(r.spaceId()).isEqualTo("sid");
      assertThat(r.orgId()).isEqualTo("oid");
      assertThat(r.instance()).isEqualTo("1");
      assertThat(r.host()).isEqualTo("weird-host");
      assertThat(r.tags()).containsEntry("custom", "c").containsEntry("app_id", "other");
    }

    @Test
    void instanceIdFromTagsWhenProcIdHasNone() {
      LogRecord r =
          parse(
              "<14>1 2026-11-26T11:00:00Z o.s.a "
                  + GUID
                  + " [APP/PROC/WEB] - [tags@47450 instance_id=\"4\" source_type=\"APP/PROC/WEB\"] x");
      assertThat(r.instance()).isEqualTo("4");
      assertThat(r.sourceType()).isEqualTo("APP/PROC/WEB");
    }
  }

  @Nested
  class Limits {
    @Test
    void aCallerTruncatedMessageIsFlaggedAndStillParsed() {
      byte[] b =
          "<13>1 2026-11-26T11:00:00Z host1 app - - - cut her".getBytes(StandardCharsets.UTF_8);
      LogRecord r =
          parser("2026-11-26T12:00:00Z", ZoneOffset.UTC).parse(b, 0, b.length, null, null, true);
      assertThat(r.problem().reason()).isEqualTo("truncated at " + b.length + " bytes");
      assertThat(r.host()).isEqualTo("host1");
      assertThat(r.message()).isEqualTo("cut her");
      assertThat(r.problem().rawBytes()).isEqualTo(b);
    }

    @Test
    void aOneMegabyteLineIsCutAtTheLimitAndFlagged() {
      byte[] head = "<13>1 2026-11-26T11:00:00Z host1 app - - - ".getBytes(StandardCharsets.UTF_8);
      byte[] line = new byte[1024 * 1024];
      Arrays.fill(line, (byte) 'x');
      System.arraycopy(head, 0, line, 0, head.length);
      LogRecord r = parse(parser("2026-11-26T12:00:00Z", ZoneOffset.UTC), new String(line));
      assertThat(r.problem().reason()).isEqualTo("truncated at 65536 bytes of 1048576");
      assertThat(r.message()).hasSize(65536 - head.length);
      assertThat(r.problem().raw()).hasSize(65536);
      assertThat(r.host()).isEqualTo("host1");
    }

    @Test
    void parsesARangeInsideALargerArrayWithOffsetsFromTheMessageStart() {
      byte[] b = "junk<13>Nov 26 11:00:00 host1 app: a\0b junk".getBytes(StandardCharsets.UTF_8);
      LogRecord r =
          parser("2026-11-26T12:00:00Z", ZoneOffset.UTC).parse(b, 4, b.length - 9, null, null);
      assertThat(r.message()).isEqualTo("a\0b");
      assertThat(r.problem().reason()).isEqualTo("NUL byte at byte 32");
      assertThat(r.problem().raw()).isEqualTo("<13>Nov 26 11:00:00 host1 app: a\0b");
    }

    @Test
    void badArgumentsGiveAFlaggedRecordInsteadOfAnException() {
      SyslogParser p = parser("2026-11-26T12:00:00Z", ZoneOffset.UTC);
      assertThat(p.parse(null, 0, 10, null, null).problem().reason())
          .isEqualTo("no input buffer; empty message");
      LogRecord r = p.parse("<13>hi".getBytes(StandardCharsets.UTF_8), 4, 100, null, "h");
      assertThat(r.problem().reason()).startsWith("offset 4 and length 100 outside a buffer");
      assertThat(r.message()).isEqualTo("hi");
      assertThat(p.parse(new byte[3], -5, -1, null, null).problem()).isNotNull();
    }

    @Test
    void datacenterIsStampedWhenConfigured() {
      SyslogParser p = new SyslogParser(SyslogParser.Options.defaults().withDatacenter("eu-1"));
      byte[] b = "<13>hi".getBytes(StandardCharsets.UTF_8);
      assertThat(p.parse(b, 0, b.length, null, null).datacenter()).isEqualTo("eu-1");
      assertThat(parse("<13>hi").datacenter()).isNull();
    }
  }

  @Nested
  class ControlBytes {
    @Test
    void nulIsKeptAndFlagged() {
      LogRecord r = parse("<13>1 - h a - - - a\0b");
      assertThat(r.message()).isEqualTo("a\0b");
      assertThat(r.problem().reason()).isEqualTo("NUL byte at byte 19");
    }

    @Test
    void crAndAnsiEscapesAreKeptAndNotFlagged() {
      LogRecord r = parse("<13>1 - h a - - - \u001b[1mbold\u001b[0m\rover");
      assertThat(r.message()).isEqualTo("\u001b[1mbold\u001b[0m\rover");
      assertThat(r.problem()).isNull();
    }

    @Test
    void invalidUtf8IsReplacedInTheMessageAndKeptAsBase64() {
      byte[] b = {'<', '1', '3', '>', 'h', 'i', ' ', (byte) 0xff, 'x'};
      LogRecord r =
          parser("2026-11-26T12:00:00Z", ZoneOffset.UTC).parse(b, 0, b.length, null, null);
      assertThat(r.message()).isEqualTo("hi \ufffdx");
      assertThat(r.problem().reason()).isEqualTo("invalid UTF-8 at byte 7");
      assertThat(r.problem().raw()).isNull();
      assertThat(r.problem().rawBytes()).isEqualTo(b);
    }
  }
}
