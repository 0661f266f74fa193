package io.logpipe.core.record;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One log line, the unit that flows through logpipe: every ingest path produces it, Kafka carries
 * it as JSON ({@link LogRecordJson}), every sink consumes it. The field contract is documented in
 * {@code docs/record-schema.md}.
 *
 * <p>Immutable and thread-safe. {@code time}, {@code observedTime}, {@code kind} and {@code
 * message} are never null (an empty message is allowed); {@code tags} is never null and iterates in
 * key order; every other field is null when unknown. App fields are normally set only on {@link
 * Kind#APP} records and component fields on {@link Kind#COMPONENT} records, but nothing forbids a
 * component record from naming the app it serves.
 *
 * @param time when the event happened, as the source says (nanosecond precision, may be skewed)
 * @param observedTime when logpipe (or the first hop that stamps it) received the line
 * @param kind app or component
 * @param appId the platform's app GUID
 * @param appName the app's name
 * @param spaceId the space GUID
 * @param spaceName the space name
 * @param orgId the org GUID
 * @param orgName the org name
 * @param instance the app instance index or id, such as {@code 0}
 * @param sourceType the emitting source, such as {@code APP/PROC/WEB}, {@code RTR}, {@code STG}
 * @param stream stdout or stderr
 * @param host the host that emitted a component line
 * @param program the program (syslog APP-NAME or TAG)
 * @param pid the process id (syslog PROCID), kept as text
 * @param facility syslog facility
 * @param severity syslog severity, or the level an app line carries
 * @param message the log text
 * @param tags free-form string tags
 * @param datacenter the datacenter where the record entered logpipe
 * @param problem set when the input could not be parsed cleanly; holds the reason and the raw input
 */
public record LogRecord(
    Instant time,
    Instant observedTime,
    Kind kind,
    String appId,
    String appName,
    String spaceId,
    String spaceName,
    String orgId,
    String orgName,
    String instance,
    String sourceType,
    Stream stream,
    String host,
    String program,
    String pid,
    Facility facility,
    Severity severity,
    String message,
    Map<String, String> tags,
    String datacenter,
    ParseProblem problem) {

  /** Longest text {@link #toString()} shows of a message or raw input. */
  static final int TO_STRING_LIMIT = 120;

  public LogRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(observedTime, "observedTime");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(message, "message");
    tags = sortedCopy(tags);
  }

  private static Map<String, String> sortedCopy(Map<String, String> tags) {
    if (tags == null || tags.isEmpty()) {
      return Collections.emptySortedMap();
    }
    if (tags instanceof SortedMap<?, ?> && isUnmodifiableSorted(tags)) {
      return tags;
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : tags.entrySet()) {
      copy.put(
          Objects.requireNonNull(e.getKey(), "tag name"),
          Objects.requireNonNull(e.getValue(), "tag value"));
    }
    return Collections.unmodifiableSortedMap(copy);
  }

  private static final Class<?> UNMODIFIABLE_SORTED =
      Collections.unmodifiableSortedMap(new TreeMap<>()).getClass();

  private static boolean isUnmodifiableSorted(Map<String, String> tags) {
    return tags.getClass() == UNMODIFIABLE_SORTED;
  }

  /**
   * The Kafka record key: the app id for app records (the app name when the id is unknown), the
   * host for component records. One source thus stays on one partition, in order. Null when the
   * record names neither.
   */
  public String kafkaKey() {
    if (kind == Kind.APP) {
      return appId != null ? appId : appName;
    }
    return host;
  }

  /** True if the input could not be parsed cleanly. */
  public boolean hasProblem() {
    return problem != null;
  }

  /** A builder to change some fields of this record. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A builder for an app record. */
  public static Builder app() {
    return new Builder().kind(Kind.APP);
  }

  /** A builder for a component record. */
  public static Builder component() {
    return new Builder().kind(Kind.COMPONENT);
  }

  /** A builder with no field set. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("LogRecord[").append(kind.json()).append(' ').append(time);
    if (kind == Kind.APP) {
      b.append(" app=").append(appName != null ? appName : appId);
      if (sourceType != null) {
        b.append(" [").append(sourceType).append('/').append(instance).append(']');
      }
    } else {
      b.append(" host=").append(host).append(" program=").append(program);
    }
    if (severity != null) {
      b.append(' ').append(severity.json());
    }
    b.append(" message=").append(abbreviate(message));
    if (problem != null) {
      b.append(" problem=").append(problem.reason());
    }
    return b.append(']').toString();
  }

  static String abbreviate(String s) {
    if (s == null || s.length() <= TO_STRING_LIMIT) {
      return s;
    }
    return s.substring(0, TO_STRING_LIMIT) + "...(" + s.length() + " chars)";
  }

  /** Builds a {@link LogRecord}; not thread-safe. */
  public static final class Builder {
    Instant time;
    Instant observedTime;
    Kind kind;
    String appId;
    String appName;
    String spaceId;
    String spaceName;
    String orgId;
    String orgName;
    String instance;
    String sourceType;
    Stream stream;
    String host;
    String program;
    String pid;
    Facility facility;
    Severity severity;
    String message = "";
    Map<String, String> tags;
    String datacenter;
    ParseProblem problem;

    Builder() {}

    Builder(LogRecord r) {
      time = r.time;
      observedTime = r.observedTime;
      kind = r.kind;
      appId = r.appId;
      appName = r.appName;
      spaceId = r.spaceId;
      spaceName = r.spaceName;
      orgId = r.orgId;
      orgName = r.orgName;
      instance = r.instance;
      sourceType = r.sourceType;
      stream = r.stream;
      host = r.host;
      program = r.program;
      pid = r.pid;
      facility = r.facility;
      severity = r.severity;
      message = r.message;
      tags = r.tags;
      datacenter = r.datacenter;
      problem = r.problem;
    }

    public Builder time(Instant v) {
      time = v;
      return this;
    }

    public Builder observedTime(Instant v) {
      observedTime = v;
      return this;
    }

    /** Sets both times; for records whose source gives no event time. */
    public Builder times(Instant v) {
      time = v;
      observedTime = v;
      return this;
    }

    public Builder kind(Kind v) {
      kind = v;
      return this;
    }

    public Builder appId(String v) {
      appId = v;
      return this;
    }

    public Builder appName(String v) {
      appName = v;
      return this;
    }

    public Builder spaceId(String v) {
      spaceId = v;
      return this;
    }

    public Builder spaceName(String v) {
      spaceName = v;
      return this;
    }

    public Builder orgId(String v) {
      orgId = v;
      return this;
    }

    public Builder orgName(String v) {
      orgName = v;
      return this;
    }

    public Builder instance(String v) {
      instance = v;
      return this;
    }

    public Builder sourceType(String v) {
      sourceType = v;
      return this;
    }

    public Builder stream(Stream v) {
      stream = v;
      return this;
    }

    public Builder host(String v) {
      host = v;
      return this;
    }

    public Builder program(String v) {
      program = v;
      return this;
    }

    public Builder pid(String v) {
      pid = v;
      return this;
    }

    public Builder facility(Facility v) {
      facility = v;
      return this;
    }

    public Builder severity(Severity v) {
      severity = v;
      return this;
    }

    public Builder message(String v) {
      message = v;
      return this;
    }

    public Builder tags(Map<String, String> v) {
      tags = v;
      return this;
    }

    /** Adds one tag. */
    public Builder tag(String name, String value) {
      TreeMap<String, String> t = tags == null ? new TreeMap<>() : new TreeMap<>(tags);
      t.put(name, value);
      tags = t;
      return this;
    }

    public Builder datacenter(String v) {
      datacenter = v;
      return this;
    }

    public Builder problem(ParseProblem v) {
      problem = v;
      return this;
    }

    public Kind kind() {
      return kind;
    }

    public LogRecord build() {
      return new LogRecord(
          time,
          observedTime,
          kind,
          appId,
          appName,
          spaceId,
          spaceName,
          orgId,
          orgName,
          instance,
          sourceType,
          stream,
          host,
          program,
          pid,
          facility,
          severity,
          message,
          tags,
          datacenter,
          problem);
    }
  }
}
