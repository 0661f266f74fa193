package io.logpipe.core.syslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Properties of the parser on arbitrary, mutated and generated input. */
class SyslogParserPropertyTest {
  static final Instant NOW = Instant.parse("2026-11-26T12:00:00Z");
  static final SyslogParser PARSER =
      new SyslogParser(SyslogParser.Options.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

  /** Valid lines of every form, to mutate. */
  static final String[] SEEDS = {
    "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473"
        + " iut=\"3\" eventSource=\"Application\" eventID=\"1011\"][examplePriority@32473"
        + " class=\"high\"] \uFEFFAn application event",
    "<13>1 - - - - - -",
    "<13>1 2026-11-26T11:00:00.123456789+05:30 h a 1 m [e@1 q=\"a\\\"b\\]c\\\\\"] msg",
    "<14>1 2026-11-26T11:59:58.123456+00:00 my-org.dev.my-app"
        + " 0b7bc8a4-69d3-4b35-a9d5-b4e8a4f2d9a1 [APP/PROC/WEB/0] - [tags@47450 app_name=\"my-app\""
        + " organization_name=\"my-org\" source_type=\"APP/PROC/WEB\" space_name=\"dev\"] GET /\n",
    "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
    "<13>Feb  5 17:32:18 sshd[123]: Connection closed",
    "Nov 26 11:00:00 host1 app[9]: no PRI",
    "<13>2026-11-26T10:00:00.123456+01:00 host1 app[42]: forwarded",
    "<189>123: *Mar  1 18:46:11.123 UTC: %SYS-5-CONFIG_I: Configured from console",
    "<187>36: router1: .Jul 24 2026 10:11:12: %LINK-3-UPDOWN: Interface up",
  };

  static final byte[] SPECIAL = {
    ' ',
    '[',
    ']',
    '"',
    '\\',
    '=',
    '<',
    '>',
    '-',
    ':',
    '.',
    '*',
    '\n',
    '\r',
    0,
    '0',
    '9',
    'T',
    'Z',
    '+',
    (byte) 0xff,
    (byte) 0xc3,
    (byte) 0xef,
    (byte) 0xbb,
    (byte) 0xbf
  };

  @Property(tries = 3000)
  void arbitraryBytesNeverEscapeAsAnException(@ForAll @Size(max = 400) byte[] input) {
    checkRecord(input, PARSER.parse(input, 0, input.length, null, "192.0.2.10"));
  }

  @Property(tries = 5000)
  void mutatedValidLinesNeverEscapeAsAnException(@ForAll("mutatedLines") byte[] input) {
    checkRecord(input, PARSER.parse(input, 0, input.length, NOW, null));
  }

  @Property(tries = 500)
  void truncationFlagNeverThrowsEither(
      @ForAll("mutatedLines") byte[] input, @ForAll @IntRange(min = 0, max = 400) int cut) {
    int n = Math.min(cut, input.length);
    LogRecord r = PARSER.parse(input, 0, n, NOW, null, true);
    assertThat(r.problem().reason()).startsWith("truncated at " + n + " bytes");
  }

  /** The record is complete and bounded, encodes to JSON and back, and keeps the raw input. */
  static void checkRecord(byte[] input, LogRecord r) {
    assertThat(r).isNotNull();
    assertThat(r.message().length()).isLessThanOrEqualTo(input.length);
    assertThat(r.tags().size()).isLessThanOrEqualTo(LogRecordJson.MAX_TAGS);
    assertThat(LogRecordJson.decode(LogRecordJson.encode(r))).isEqualTo(r);
    if (r.problem() != null) {
      assertThat(r.problem().rawBytes()).isEqualTo(input);
      assertThat(r.problem().reason()).doesNotContain("internal");
    }
    if (!isValidUtf8(input)) {
      assertThat(r.problem()).isNotNull();
      assertThat(r.problem().reason()).contains("invalid UTF-8 at byte ");
    }
    if (contains(input, (byte) 0)) {
      assertThat(r.problem().reason()).contains("NUL byte at byte ");
    }
  }

  @Property(tries = 3000)
  void utf8ValidationAgreesWithTheJdk(@ForAll("utf8ish") byte[] input) {
    assertThat(Utf8.firstInvalid(input, 0, input.length) < 0).isEqualTo(isValidUtf8(input));
  }

  @Property(tries = 2000)
  void generatedRfc5424MessagesParseToTheirFields(
      @ForAll @IntRange(min = 0, max = 191) int pri,
      @ForAll @LongRange(min = -2_000_000_000L, max = 4_000_000_000L) long epochSecond,
      @ForAll @IntRange(min = 0, max = 999_999_999) int nano,
      @ForAll @IntRange(min = 0, max = 9) int fractionDigits,
      @ForAll @IntRange(min = -12 * 60, max = 14 * 60) int offsetMinutes,
      @ForAll("token") String host,
      @ForAll("token") String app,
      @ForAll("token") String procId,
      @ForAll("token") String msgId,
      @ForAll("structuredData") Map<String, Map<String, String>> sd,
      @ForAll("text") String msg) {
    int kept = nano;
    for (int k = fractionDigits; k < 9; k++) {
      kept /= 10;
    }
    Instant time = Instant.ofEpochSecond(epochSecond, nano);
    ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
    LocalDateTime local = LocalDateTime.ofInstant(time, offset);
    StringBuilder line = new StringBuilder();
    line.append('<').append(pri).append(">1 ");
    line.append(
        local.truncatedTo(ChronoUnit.SECONDS).format(DateTimeFormatter.ISO_LOCAL_DATE_TIME));
    if (fractionDigits > 0) {
      line.append('.').append(String.format("%0" + fractionDigits + "d", kept));
    }
    line.append(offsetMinutes == 0 ? "Z" : offset.getId());
    line.append(' ').append(host).append(' ').append(app).append(' ').append(procId);
    line.append(' ').append(msgId).append(' ');
    if (sd.isEmpty()) {
      line.append('-');
    }
    for (Map.Entry<String, Map<String, String>> e : sd.entrySet()) {
      line.append('[').append(e.getKey());
      for (Map.Entry<String, String> p : e.getValue().entrySet()) {
        line.append(' ').append(p.getKey()).append("=\"").append(escape(p.getValue())).append('"');
      }
      line.append(']');
    }
    line.append(' ').append(msg);
    byte[] b = line.toString().getBytes(StandardCharsets.UTF_8);

    LogRecord r = PARSER.parse(b, 0, b.length, NOW, null);

    assertThat(r.problem()).as(line.toString()).isNull();
    assertThat(r.facility().code()).isEqualTo(pri >> 3);
    assertThat(r.severity().code()).isEqualTo(pri & 7);
    int scale = 1;
    for (int k = fractionDigits; k < 9; k++) {
      scale *= 10;
    }
    assertThat(r.time()).isEqualTo(Instant.ofEpochSecond(epochSecond, (long) kept * scale));
    assertThat(r.host()).isEqualTo(host);
    assertThat(r.program()).isEqualTo(app);
    assertThat(r.pid()).isEqualTo(procId);
    assertThat(r.tags()).containsEntry("msgid", msgId);
    for (Map.Entry<String, Map<String, String>> e : sd.entrySet()) {
      if (e.getValue().isEmpty()) {
        assertThat(r.tags()).containsEntry(e.getKey(), "");
      }
      for (Map.Entry<String, String> p : e.getValue().entrySet()) {
        assertThat(r.tags()).containsEntry(e.getKey() + "." + p.getKey(), p.getValue());
      }
    }
    assertThat(r.message()).isEqualTo(msg);
  }

  @Property(tries = 2000)
  void bsdTimestampsGetTheYearThatKeepsThemWithinAMonthAhead(
      @ForAll @LongRange(min = 946_684_800L, max = 4_102_444_800L) long nowSecond,
      @ForAll @LongRange(min = -330L * 86_400, max = 30L * 86_400) long delta,
      @ForAll("zones") ZoneId zone) {
    Instant now = Instant.ofEpochSecond(nowSecond);
    Instant t = now.plusSeconds(delta);
    LocalDateTime local = LocalDateTime.ofInstant(t, zone);
    String bsd = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH).format(local);
    SyslogParser p =
        new SyslogParser(
            SyslogParser.Options.defaults()
                .withClock(Clock.fixed(now, ZoneOffset.UTC))
                .withDefaultZone(zone));
    byte[] b = ("<13>" + bsd + " host1 app: x").getBytes(StandardCharsets.UTF_8);

    LogRecord r = p.parse(b, 0, b.length, now, null);

    assertThat(r.problem()).isNull();
    // In a DST overlap the earlier offset wins, so compare local times, and instants within 1h.
    assertThat(LocalDateTime.ofInstant(r.time(), zone)).isEqualTo(local);
    assertThat(Math.abs(r.time().getEpochSecond() - t.getEpochSecond())).isLessThanOrEqualTo(3600);
  }

  // ---- generators -----------------------------------------------------------------------------

  @Provide
  Arbitrary<byte[]> mutatedLines() {
    Arbitrary<byte[]> seed = Arbitraries.of(SEEDS).map(s -> s.getBytes(StandardCharsets.UTF_8));
    Arbitrary<Integer> value =
        Arbitraries.oneOf(Arbitraries.of(toList(SPECIAL)), Arbitraries.integers().between(0, 255));
    Arbitrary<int[]> op =
        Combinators.combine(
                Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 1000),
                value)
            .as((kind, pos, v) -> new int[] {kind, pos, v});
    return Combinators.combine(seed, op.list().ofMinSize(1).ofMaxSize(8))
        .as(SyslogParserPropertyTest::mutate);
  }

  static byte[] mutate(byte[] seed, List<int[]> ops) {
    List<Byte> b = new ArrayList<>();
    for (byte x : seed) {
      b.add(x);
    }
    for (int[] op : ops) {
      int pos = b.isEmpty() ? 0 : op[1] % (b.size() + 1);
      byte v = (byte) op[2];
      switch (op[0]) {
        case 0: // replace
          if (pos < b.size()) {
            b.set(pos, v);
          }
          break;
        case 1: // insert
          b.add(pos, v);
          break;
        case 2: // delete
          if (pos < b.size()) {
            b.remove(pos);
          }
          break;
        case 3: // cut
          while (b.size() > pos) {
            b.remove(b.size() - 1);
          }
          break;
        case 4: // duplicate a run
          List<Byte> run =
              new ArrayList<>(b.subList(pos, Math.min(b.size(), pos + 1 + op[2] % 16)));
          b.addAll(pos, run);
          break;
        default: // insert a run of the same byte
          for (int k = 0; k < 1 + op[1] % 8; k++) {
            b.add(pos, v);
          }
      }
    }
    byte[] out = new byte[b.size()];
    for (int k = 0; k < out.length; k++) {
      out[k] = b.get(k);
    }
    return out;
  }

  @Provide
  Arbitrary<byte[]> utf8ish() {
    Arbitrary<Byte> bytes =
        Arbitraries.oneOf(
            Arbitraries.bytes(),
            Arbitraries.of(
                (byte) 0x80,
                (byte) 0xbf,
                (byte) 0xc2,
                (byte) 0xdf,
                (byte) 0xe0,
                (byte) 0xa0,
                (byte) 0xed,
                (byte) 0x9f,
                (byte) 0xf0,
                (byte) 0x90,
                (byte) 0xf4,
                (byte) 0x8f,
                (byte) 0xf5,
                (byte) 0xc0,
                (byte) 0xc1,
                (byte) 'a'));
    return bytes.array(byte[].class).ofMaxSize(12);
  }

  @Provide
  Arbitrary<String> token() {
    return Arbitraries.strings()
        .withCharRange('!', '~')
        .ofMinLength(1)
        .ofMaxLength(20)
        .filter(s -> !s.equals("-"));
  }

  @Provide
  Arbitrary<Map<String, Map<String, String>>> structuredData() {
    // Ids end in "@1" and names have no '.', so "id.name" tag keys cannot collide.
    Arbitrary<String> name =
        Arbitraries.strings()
            .withCharRange('a', 'z')
            .withChars('_', '1')
            .ofMinLength(1)
            .ofMaxLength(8);
    Arbitrary<String> value =
        Arbitraries.strings()
            .withCharRange(' ', '~')
            .withChars('"', '\\', ']', 'é', '日', '\u0001')
            .ofMaxLength(12);
    Arbitrary<Map<String, String>> params = Arbitraries.maps(name, value).ofMaxSize(3);
    return Arbitraries.maps(name.map(n -> n + "@1"), params).ofMaxSize(3).map(LinkedHashMap::new);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings()
        .withCharRange('\u0001', '\uD7FF')
        .ofMaxLength(40)
        .map(s -> "m" + s + ".");
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of(
        ZoneOffset.UTC,
        ZoneOffset.ofHoursMinutes(5, 30),
        ZoneId.of("Europe/Berlin"),
        ZoneId.of("America/New_York"),
        ZoneId.of("Australia/Lord_Howe"),
        ZoneId.of("Pacific/Auckland"));
  }

  // ---- helpers --------------------------------------------------------------------------------

  static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("]", "\\]");
  }

  static boolean isValidUtf8(byte[] b) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(b));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  static boolean contains(byte[] b, byte x) {
    for (byte c : b) {
      if (c == x) {
        return true;
      }
    }
    return false;
  }

  static List<Integer> toList(byte[] b) {
    List<Integer> out = new ArrayList<>();
    for (byte x : b) {
      out.add(x & 0xFF);
    }
    return out;
  }
}
