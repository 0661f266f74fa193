package io.logpipe.nozzle;

import io.logpipe.core.record.LogRecord;
import io.logpipe.core.record.LogRecordJson;
import io.logpipe.core.record.ParseProblem;
import io.logpipe.core.record.Severity;
import io.logpipe.core.record.Stream;
import io.logpipe.nozzle.envelope.Envelope;
import io.logpipe.nozzle.platform.AppNames;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns a log envelope into a {@code kind=app} {@link LogRecord}, the same record a Cloud Foundry
 * app-log drain gives for the same line ({@code docs/syslog-parsing.md}, "Cloud Foundry app-log
 * drains"):
 *
 * <ul>
 *   <li>{@code source_id} is {@code app_id} (the Kafka key), {@code instance_id} is {@code
 *       instance}; the timestamp (UNIX ns) is {@code time}, or the observed time when it is 0.
 *   <li>Tags {@code app_name}, {@code space_name}, {@code organization_name}, {@code space_id},
 *       {@code organization_id}, {@code source_type} become fields; {@code app_id} and {@code
 *       instance_id} too when the envelope lacks them (and are dropped when they repeat it); every
 *       other tag stays a tag (at most 64; more are dropped and flagged).
 *   <li>{@code OUT} is stream {@code out}, severity {@code info}; {@code ERR} is {@code err},
 *       {@code err} (as the drain's PRI 14 and 11 give).
 *   <li>The payload is the message, as UTF-8, without trailing CR and LF. A payload that is not
 *       UTF-8 is flagged and kept as base64 in {@code problem.raw_base64}.
 *   <li>Names missing from the tags come from the Cloud Controller cache when it has them.
 * </ul>
 *
 * <p>Thread-safe: it holds no per-call state; the readers share one.
 */
public final class EnvelopeMapper {
  private final String datacenter;
  private final AppNames names;
  private final NozzleMetrics metrics;

  /**
   * @param names the Cloud Controller cache; null for names from tags only
   */
  public EnvelopeMapper(String datacenter, AppNames names, NozzleMetrics metrics) {
    this.datacenter = datacenter;
    this.names = names;
    this.metrics = metrics;
  }

  /** The record of a log envelope. */
  public LogRecord toRecord(Envelope e, Envelope.Log log, Instant observed) {
    String appId = e.sourceId().isEmpty() ? null : e.sourceId();
    String instance = e.instanceId().isEmpty() ? null : e.instanceId();
    // One pass: the tags that become fields are taken out, the rest kept in order. (Removing them
    // from a copy of the envelope's tags cost a sixth of a log envelope's decoding.)
    TreeMap<String, String> tags = new TreeMap<>();
    String tagAppId = null;
    String tagInstance = null;
    String appName = null;
    String spaceName = null;
    String orgName = null;
    String spaceId = null;
    String orgId = null;
    String sourceType = null;
    for (Map.Entry<String, String> t : e.tags().entrySet()) {
      String v = t.getValue();
      switch (t.getKey()) {
        case "app_id" -> tagAppId = v;
        case "instance_id" -> tagInstance = v;
        case "app_name" -> appName = v;
        case "space_name" -> spaceName = v;
        case "organization_name" -> orgName = v;
        case "space_id" -> spaceId = v;
        case "organization_id" -> orgId = v;
        case "source_type" -> sourceType = v;
        default -> tags.put(t.getKey(), v);
      }
    }
    if (tagAppId != null && !tagAppId.equals(appId)) {
      if (appId == null) {
        appId = tagAppId;
      } else {
        tags.put("app_id", tagAppId);
      }
    }
    if (tagInstance != null && !tagInstance.equals(instance)) {
      if (instance == null) {
        instance = tagInstance;
      } else {
        tags.put("instance_id", tagInstance);
      }
    }
    if (appName != null) {
      metrics.enrichedFromTags.increment();
    }
    if ((appName == null || spaceName == null || orgName == null)
        && names != null
        && appId != null) {
      AppNames.AppInfo info = names.lookup(appId);
      if (info != null) {
        appName = appName != null ? appName : info.appName();
        spaceName = spaceName != null ? spaceName : info.spaceName();
        orgName = orgName != null ? orgName : info.orgName();
        spaceId = spaceId != null ? spaceId : info.spaceId();
        orgId = orgId != null ? orgId : info.orgId();
        metrics.enrichedFromCache.increment();
      } else if (appName == null) {
        metrics.notEnriched.increment();
      }
    } else if (appName == null) {
      metrics.notEnriched.increment();
    }

    StringBuilder problems = null;
    int dropped = tags.size() - LogRecordJson.MAX_TAGS;
    if (dropped > 0) {
      Iterator<String> it = tags.keySet().iterator();
      for (int k = 0; k < LogRecordJson.MAX_TAGS; k++) {
        it.next();
      }
      while (it.hasNext()) {
        it.next();
        it.remove();
      }
      problems =
          new StringBuilder(
              "more than " + LogRecordJson.MAX_TAGS + " tags: " + dropped + " dropped");
    }
    if (e.problem() != null) {
      problems = append(problems, e.problem());
    }

    byte[] payload = log.payload();
    String message;
    ParseProblem problem = null;
    int len = payload.length;
    while (len > 0 && (payload[len - 1] == '\n' || payload[len - 1] == '\r')) {
      len--;
    }
    if (isAscii(payload, len)) {
      message = new String(payload, 0, len, StandardCharsets.ISO_8859_1);
    } else {
      message = new String(payload, 0, len, StandardCharsets.UTF_8);
      if (!validUtf8(payload, len)) {
        problems = append(problems, "log payload is not valid UTF-8");
        problem = ParseProblem.ofBytes(problems.toString(), payload, 0, payload.length);
      }
    }
    if (problems != null && problem == null) {
      problem =
          e.raw() != null
              ? ParseProblem.ofBytes(problems.toString(), e.raw(), 0, e.raw().length)
              : ParseProblem.ofBytes(problems.toString(), payload, 0, payload.length);
    }

    Instant time = e.timestamp() == 0 ? observed : MetricJson.instant(e.timestamp());
    return LogRecord.app()
        .time(time)
        .observedTime(observed)
        .appId(appId)
        .appName(appName)
        .spaceId(spaceId)
        .spaceName(spaceName)
        .orgId(orgId)
        .orgName(orgName)
        .instance(instance)
        .sourceType(sourceType)
        .stream(log.err() ? Stream.ERR : Stream.OUT)
        .severity(log.err() ? Severity.ERR : Severity.INFO)
        .message(message)
        .tags(tags.isEmpty() ? null : Collections.unmodifiableSortedMap(tags))
        .datacenter(datacenter)
        .problem(problem)
        .build();
  }

  private static StringBuilder append(StringBuilder b, String s) {
    if (b == null) {
      return new StringBuilder(s);
    }
    return b.append("; ").append(s);
  }

  private static boolean isAscii(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * True if {@code b[0, len)} is well-formed UTF-8 (no overlongs, surrogates or values past
   * U+10FFFF).
   */
  static boolean validUtf8(byte[] b, int len) {
    int i = 0;
    while (i < len) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= len) {
        return false;
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = cp << 6 | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }
}
