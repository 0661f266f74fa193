package io.logpipe.index;

import io.logpipe.core.record.LogRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexableField;

/**
 * The index schema: which record field becomes which Lucene field. The schema is fixed; tags and
 * unknown JSON never add fields (RELIABILITY.md rule 10).
 *
 * <ul>
 *   <li>Keyword fields (exact, case-sensitive): {@code app} (app id and app name), {@code org} (id
 *       and name), {@code space} (id and name), {@code host}, {@code program}, {@code source_type},
 *       {@code instance}, {@code stream}, {@code severity}, {@code kind}, {@code datacenter}.
 *   <li>{@code time}: event time in nanoseconds since the epoch, as a point (ranges) and doc value
 *       (sorting, histograms).
 *   <li>{@code seq}: topic, partition and offset in one long, unique per record: the tiebreak for
 *       equal times and the key of the paging cursor.
 *   <li>{@code message}: full text through {@link LogAnalyzer}; positions kept for phrases, no
 *       norms (results are ordered by time, not relevance).
 *   <li>{@code src}: the record's canonical JSON as it was in Kafka, stored, returned by searches.
 * </ul>
 *
 * <p>A {@link Builder} reuses its field objects; one per indexing thread.
 */
public final class IndexFields {
  public static final String APP = "app";
  public static final String ORG = "org";
  public static final String SPACE = "space";
  public static final String HOST = "host";
  public static final String PROGRAM = "program";
  public static final String SOURCE_TYPE = "source_type";
  public static final String INSTANCE = "instance";
  public static final String STREAM = "stream";
  public static final String SEVERITY = "severity";
  public static final String KIND = "kind";
  public static final String DATACENTER = "datacenter";
  public static final String TIME = "time";
  public static final String SEQ = "seq";
  public static final String MESSAGE = "message";
  public static final String SOURCE = "src";

  /** Keyword fields, as the query syntax names them. */
  public static final List<String> KEYWORDS =
      List.of(
          APP,
          ORG,
          SPACE,
          HOST,
          PROGRAM,
          SOURCE_TYPE,
          INSTANCE,
          STREAM,
          SEVERITY,
          KIND,
          DATACENTER);

  static final FieldType MESSAGE_TYPE = new FieldType();

  static {
    MESSAGE_TYPE.setIndexOptions(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    MESSAGE_TYPE.setTokenized(true);
    MESSAGE_TYPE.setStored(false);
    MESSAGE_TYPE.setOmitNorms(true);
    MESSAGE_TYPE.freeze();
  }

  private IndexFields() {}

  /** Event time as nanoseconds since the epoch, saturated at the ends of a long. */
  public static long nanos(Instant t) {
    long s = t.getEpochSecond();
    if (s >= Long.MAX_VALUE / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    if (s <= Long.MIN_VALUE / 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return s * 1_000_000_000L + t.getNano();
  }

  /** The instant of a nanosecond count. */
  public static Instant instant(long nanos) {
    return Instant.ofEpochSecond(
        Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  /** The unique sequence key of a Kafka record: topic slot (0..127), partition, offset. */
  public static long seq(int topicSlot, int partition, long offset) {
    return ((long) topicSlot << 56)
        | ((long) (partition & 0xffff) << 40)
        | (offset & 0xff_ffff_ffffL);
  }

  /** Builds Lucene documents from records, reusing field objects. Not thread-safe. */
  public static final class Builder {
    private final List<IndexableField> doc = new ArrayList<>(24);
    private final Field[] keywords = new Field[KEYWORDS.size() + 3];
    private final LongPoint timePoint = new LongPoint(TIME, 0L);
    private final NumericDocValuesField timeValue = new NumericDocValuesField(TIME, 0L);
    private final NumericDocValuesField seqValue = new NumericDocValuesField(SEQ, 0L);
    private final Field message = new Field(MESSAGE, "", MESSAGE_TYPE);
    private final StoredField source = new StoredField(SOURCE, new byte[0]);

    public Builder() {
      String[] names = {
        APP,
        APP,
        ORG,
        ORG,
        SPACE,
        SPACE,
        HOST,
        PROGRAM,
        SOURCE_TYPE,
        INSTANCE,
        STREAM,
        SEVERITY,
        KIND,
        DATACENTER
      };
      for (int i = 0; i < names.length; i++) {
        keywords[i] = new StringField(names[i], "", Field.Store.NO);
      }
    }

    /**
     * The fields of one record.
     *
     * @param r the decoded record
     * @param json its canonical JSON, stored as is
     * @param seq its {@link #seq} key
     * @return the fields; valid until the next call
     */
    public List<IndexableField> build(
        LogRecord r, byte[] json, int jsonOffset, int jsonLength, long seq) {
      doc.clear();
      keyword(0, r.appId());
      if (r.appName() != null && !r.appName().equals(r.appId())) {
        keyword(1, r.appName());
      }
      keyword(2, r.orgId());
      if (r.orgName() != null && !r.orgName().equals(r.orgId())) {
        keyword(3, r.orgName());
      }
      keyword(4, r.spaceId());
      if (r.spaceName() != null && !r.spaceName().equals(r.spaceId())) {
        keyword(5, r.spaceName());
      }
      keyword(6, r.host());
      keyword(7, r.program());
      keyword(8, r.sourceType());
      keyword(9, r.instance());
      keyword(10, r.stream() == null ? null : r.stream().json());
      keyword(11, r.severity() == null ? null : r.severity().json());
      keyword(12, r.kind().json());
      keyword(13, r.datacenter());
      long t = nanos(r.time());
      timePoint.setLongValue(t);
      timeValue.setLongValue(t);
      seqValue.setLongValue(seq);
      doc.add(timePoint);
      doc.add(timeValue);
      doc.add(seqValue);
      message.setStringValue(r.message());
      doc.add(message);
      source.setBytesValue(new org.apache.lucene.util.BytesRef(json, jsonOffset, jsonLength));
      doc.add(source);
      return doc;
    }

    private void keyword(int slot, String value) {
      if (value != null && !value.isEmpty() && value.length() <= 1024) {
        keywords[slot].setStringValue(value);
        doc.add(keywords[slot]);
      }
    }
  }
}
