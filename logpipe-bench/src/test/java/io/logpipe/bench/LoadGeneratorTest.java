package io.logpipe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.logpipe.core.record.Kind;
import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import io.logpipe.core.record.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadGeneratorTest {
  private static final Instant START = Instant.parse("2026-05-04T10:00:00Z");
  private static final int SAMPLE = 50_000;
  private static final Pattern SYSLOG_HEADER =
      Pattern.compile(
          "<(\\d{1,3})>1 (\\S+) (\\S{1,255}) (\\S{1,48}) (\\S{1,128}) (\\S{1,32}) (.*)");

  /** One large sample shared by the tests that look at the mix. */
  private static List<LogRecord> sample;

  @BeforeAll
  static void drawSample() {
    LoadGenerator generator = new LoadGenerator(7, START, 20_000);
    sample = new ArrayList<>(SAMPLE);
    for (int i = 0; i < SAMPLE; i++) {
      sample.add(generator.next());
    }
  }

  @Test
  void sameSeedAndStartGiveIdenticalBytes() throws IOException {
    assertThat(ndjson(42, START, 5000)).isEqualTo(ndjson(42, START, 5000));

    LoadGenerator a = new LoadGenerator(42, START, 1000);
    LoadGenerator b = new LoadGenerator(42, START, 1000);
    Instant now = Instant.parse("2026-11-27T08:00:00Z");
    for (int i = 0; i < 2000; i++) {
      assertThat(a.nextSyslog5424Line(now)).isEqualTo(b.nextSyslog5424Line(now));
    }
  }

  @Test
  void defaultConstructorIsDeterministicToo() {
    assertThat(new LoadGenerator(3).records().limit(500).toList())
        .isEqualTo(new LoadGenerator(3).records().limit(500).toList());
  }

  @Test
  void differentSeedsGiveDifferentOutput() throws IOException {
    assertThat(ndjson(1, START, 200)).isNotEqualTo(ndjson(2, START, 200));
  }

  @Test
  void differentStartsShiftTheTimes() {
    Instant later = START.plus(Duration.ofDays(3));
    LogRecord first = new LoadGenerator(5, later, 1000).next();
    assertThat(first.time()).isBetween(later, later.plusSeconds(1));
  }

  @Test
  void everyNdjsonLineDecodesToTheRecordItWasMadeFrom() {
    for (LogRecord r : sample) {
      assertThat(LogRecordJson.decode(LogRecordJson.encode(r))).isEqualTo(r);
    }
    LoadGenerator generator = new LoadGenerator(11, START, 20_000);
    for (int i = 0; i < 5000; i++) {
      byte[] line = generator.nextNdjsonLine();
      assertThat(line[line.length - 1]).isEqualTo((byte) '\n');
      assertThat(indexOf(line, (byte) '\n')).isEqualTo(line.length - 1);
      LogRecord decoded = LogRecordJson.decode(line, 0, line.length - 1);
      assertThat(LogRecordJson.encode(decoded)).hasSize(line.length - 1);
    }
  }

  @Test
  void mixHasBothKindsManyAppsAndHostsAndPlatformSources() {
    Map<Kind, Integer> kinds = new HashMap<>();
    Set<String> apps = new HashSet<>();
    Set<String> spaces = new HashSet<>();
    Set<String> orgs = new HashSet<>();
    Set<String> hosts = new HashSet<>();
    Set<String> programs = new HashSet<>();
    Set<String> sourceTypes = new HashSet<>();
    for (LogRecord r : sample) {
      kinds.merge(r.kind(), 1, Integer::sum);
      if (r.kind() == Kind.APP) {
        assertThat(r.appId())
            .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
        assertThat(r.appName()).matches("[a-z][a-z0-9-]+");
        assertThat(r.spaceId()).isNotNull();
        assertThat(r.orgName()).isNotNull();
        assertThat(r.stream()).isNotNull();
        assertThat(r.host()).isNull();
        apps.add(r.appId());
        spaces.add(r.spaceId());
        orgs.add(r.orgId());
        sourceTypes.add(r.sourceType());
        if (r.sourceType().startsWith("APP/")) {
          assertThat(r.instance()).matches("[0-9]");
        }
      } else {
        assertThat(r.host()).matches("[a-z-]+-[0-9]+");
        assertThat(r.program()).isNotBlank();
        assertThat(r.facility()).isNotNull();
        assertThat(r.tags()).containsKeys("az", "deployment", "group");
        assertThat(r.appId()).isNull();
        assertThat(r.message()).doesNotContain("\n");
        hosts.add(r.host());
        programs.add(r.program());
      }
      assertThat(r.severity()).isNotNull();
    }
    assertThat(kinds.get(Kind.APP)).isBetween(SAMPLE * 6 / 10, SAMPLE * 8 / 10);
    assertThat(apps).hasSizeGreaterThan(300);
    assertThat(spaces).hasSizeGreaterThan(80);
    assertThat(orgs).hasSizeGreaterThan(30);
    assertThat(hosts).hasSizeGreaterThan(150);
    assertThat(programs)
        .contains(
            "gorouter",
            "rep",
            "garden",
            "cloud_controller_ng",
            "uaa",
            "bosh-agent",
            "kernel",
            "sshd");
    assertThat(sourceTypes)
        .contains("APP/PROC/WEB", "APP/PROC/WORKER", "RTR", "STG", "CELL", "API");
  }

  @Test
  void fewAppsAreLoud() {
    Map<String, Integer> perApp = new HashMap<>();
    int appRecords = 0;
    for (LogRecord r : sample) {
      if (r.kind() == Kind.APP) {
        perApp.merge(r.appId(), 1, Integer::sum);
        appRecords++;
      }
    }
    List<Integer> counts = new ArrayList<>(perApp.values());
    counts.sort((x, y) -> y - x);
    int topTen = counts.subList(0, 10).stream().mapToInt(Integer::intValue).sum();
    assertThat(topTen).isGreaterThan(appRecords * 3 / 10);
    assertThat(counts.get(counts.size() - 1)).isLessThan(counts.get(0) / 50);
  }

  @Test
  void mixHasSeveralSeveritiesMostlyInfoAndBothStreams() {
    Map<Severity, Integer> severities = new HashMap<>();
    Set<Stream> streams = EnumSet.noneOf(Stream.class);
    for (LogRecord r : sample) {
      severities.merge(r.severity(), 1, Integer::sum);
      if (r.stream() != null) {
        streams.add(r.stream());
      }
    }
    assertThat(severities)
        .containsKeys(Severity.DEBUG, Severity.INFO, Severity.WARNING, Severity.ERR);
    assertThat(severities.get(Severity.INFO)).isGreaterThan(SAMPLE / 2);
    assertThat(severities.get(Severity.ERR)).isBetween(SAMPLE / 200, SAMPLE / 10);
    assertThat(streams).containsExactlyInAnyOrder(Stream.OUT, Stream.ERR);
  }

  @Test
  void messagesRangeFromShortLinesToMultiKilobyteStackTraces() {
    int shortLines = 0;
    int typical = 0;
    int multiKb = 0;
    boolean javaTrace = false;
    for (LogRecord r : sample) {
      int n = r.message().length();
      if (n < 100) {
        shortLines++;
      } else if (n >= 150 && n <= 350) {
        typical++;
      } else if (n >= 2048) {
        multiKb++;
        javaTrace |= r.message().contains("\n\tat org.springframework.");
      }
    }
    assertThat(shortLines).isGreaterThan(SAMPLE / 20);
    assertThat(typical).isGreaterThan(SAMPLE / 5);
    assertThat(multiKb).isBetween(5, SAMPLE / 50);
    assertThat(javaTrace).isTrue();
  }

  @Test
  void timesAdvanceAtTheRateAndObservedTimeFollowsEventTime() {
    boolean nanoPrecision = false;
    for (LogRecord r : sample) {
      assertThat(r.observedTime()).isAfter(r.time());
      assertThat(Duration.between(r.time(), r.observedTime())).isLessThan(Duration.ofSeconds(1));
      assertThat(r.time()).isAfterOrEqualTo(START);
      nanoPrecision |= r.time().getNano() % 1000 != 0;
      if (r.kind() == Kind.COMPONENT) {
        assertThat(r.time().getNano() % 1000).isZero();
      }
    }
    assertThat(nanoPrecision).isTrue();
    // 50,000 records at 20,000 per second span about 2.5 seconds.
    Instant last = sample.get(SAMPLE - 1).time();
    assertThat(last).isBetween(START.plusMillis(2300), START.plusMillis(2700));
  }

  @Test
  void syslogLinesHaveAnRfc5424HeaderNearNow() {
    LoadGenerator generator = new LoadGenerator(9, START, 20_000);
    Instant now = Instant.parse("2026-11-27T08:00:00.123456789Z");
    long bytes = 0;
    int lines = 5000;
    for (int i = 0; i < lines; i++) {
      String line = generator.nextSyslog5424Line(now);
      bytes += line.getBytes(StandardCharsets.UTF_8).length;
      assertThat(line).startsWith("<").doesNotContain("\n");
      Matcher m = SYSLOG_HEADER.matcher(line);
      assertThat(m.matches()).as(line).isTrue();
      assertThat(Integer.parseInt(m.group(1))).isBetween(0, 191);
      Instant time = Timestamps.parse(m.group(2));
      assertThat(time).isBetween(now.minusSeconds(1), now);
      assertThat(m.group(2)).matches(".*T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,6})?Z");
      assertThat(m.group(6)).isEqualTo("-");
      assertThat(m.group(7)).startsWith("[" + Syslog5424.SD_ID + " az=\"z");
    }
    assertThat(bytes / lines).isBetween(200L, 300L);
  }

  @Test
  void syslogLinesMeetTheRequestedAverageLength() {
    LoadGenerator generator = new LoadGenerator(13, START, 20_000);
    Instant now = START;
    for (int target : new int[] {220, 400}) {
      long bytes = 0;
      for (int i = 0; i < 5000; i++) {
        bytes += generator.nextSyslog5424Line(now, target).length();
      }
      assertThat(bytes / 5000.0)
          .isCloseTo(target, org.assertj.core.data.Percentage.withPercentage(10));
    }
  }

  @Test
  void syslogLinesWithoutNowCarryTheSimulatedTime() {
    LoadGenerator generator = new LoadGenerator(9, START, 1000);
    String line = generator.nextSyslog5424Line();
    Matcher m = SYSLOG_HEADER.matcher(line);
    assertThat(m.matches()).isTrue();
    assertThat(Timestamps.parse(m.group(2))).isBetween(START, generator.simulatedTime());
  }

  @Test
  void writeStopsAtTheRecordLimit() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    LoadGenerator.Written written =
        new LoadGenerator(1, START, 1000).write(out, LineFormat.NDJSON, 123, Long.MAX_VALUE);
    assertThat(written.records()).isEqualTo(123);
    assertThat(written.bytes()).isEqualTo(out.size());
    assertThat(lines(out.toByteArray())).isEqualTo(123);
  }

  @Test
  void writeStopsOnceTheByteLimitIsReached(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("load.syslog");
    LoadGenerator.Written written =
        new LoadGenerator(1, START, 1000)
            .write(file, LineFormat.SYSLOG5424, Long.MAX_VALUE, 100_000);
    byte[] content = Files.readAllBytes(file);
    assertThat(written.bytes()).isEqualTo(content.length).isBetween(100_000L, 102_000L);
    assertThat(lines(content)).isEqualTo(written.records());
  }

  @Test
  void generateMainWritesTheRequestedRecords(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("load.ndjson");
    GenerateMain.main(new String[] {"--seed", "4", "--records", "300", "--out", file.toString()});
    assertThat(Files.readAllLines(file)).hasSize(300);
  }

  @Test
  void rejectsNonsenseSettings() {
    assertThatThrownBy(() -> new LoadGenerator(1, START, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("per second");
    assertThatThrownBy(() -> new LoadGenerator(1, START, 10).nextSyslog5424Line(START, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> LineFormat.parse("csv"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ndjson or syslog5424");
    assertThat(LineFormat.parse("NDJSON")).isEqualTo(LineFormat.NDJSON);
  }

  private static byte[] ndjson(long seed, Instant start, int records) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new LoadGenerator(seed, start, 20_000).write(out, LineFormat.NDJSON, records, Long.MAX_VALUE);
    return out.toByteArray();
  }

  private static long lines(byte[] content) {
    long n = 0;
    for (byte b : content) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
