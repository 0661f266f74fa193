package io.logpipe.index.api;

import io.logpipe.core.record.Timestamps;
import io.logpipe.http.HttpApi;
import io.logpipe.http.HttpEndpoint;
import io.logpipe.http.HttpServer;
import io.logpipe.http.Responses;
import io.logpipe.index.IndexFields;
import io.logpipe.index.IndexSettings;
import io.logpipe.index.LogIndex;
import io.logpipe.index.LogSearch;
import io.logpipe.index.TailPosition;
import io.logpipe.index.query.QueryNode;
import io.logpipe.index.query.QuerySyntaxException;
import io.logpipe.index.query.RecordMatcher;
import io.logpipe.kafka.KafkaSettings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The query API ({@code docs/search.md}), mounted on logpipe's HTTP server:
 *
 * <ul>
 *   <li>{@code GET /api/v1/search}: a page of records, newest or oldest first, with a cursor;
 *   <li>{@code GET /api/v1/histogram}: counts per time bucket;
 *   <li>{@code GET /api/v1/tail}: new records as Server-Sent Events, resumable.
 * </ul>
 *
 * A request that cannot be read gets 400 with {@code error}, {@code parameter} and (for the query
 * text) {@code position}. Searches run on the given executor, never on the network threads; when it
 * is saturated the answer is 503.
 */
public final class QueryApi implements HttpApi {
  private static final Logger log = LoggerFactory.getLogger(QueryApi.class);
  private static final Set<String> SEARCH_PARAMS =
      Set.of("since", "from", "to", "order", "limit", "cursor");
  private static final Set<String> HISTOGRAM_PARAMS = Set.of("since", "from", "to", "interval");
  private static final Set<String> TAIL_PARAMS = Set.of("cursor");
  private static final List<Duration> INTERVALS =
      List.of(
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofMinutes(1),
          Duration.ofMinutes(5),
          Duration.ofMinutes(10),
          Duration.ofMinutes(30),
          Duration.ofHours(1),
          Duration.ofHours(3),
          Duration.ofHours(6),
          Duration.ofHours(12),
          Duration.ofDays(1));

  private final LogSearch search;
  private final TailStreams tails;
  private final IndexSettings settings;
  private final ExecutorService executor;
  private final Clock clock;
  private final Counter badRequests;
  private final Counter busy;

  /**
   * @param topics the log topics, in the order tail positions number them
   * @param executor runs searches (bounded: a full queue means 503)
   */
  public QueryApi(
      Supplier<LogIndex> index,
      KafkaSettings kafka,
      String bootstrapServers,
      List<String> topics,
      IndexSettings settings,
      ExecutorService executor,
      MeterRegistry registry,
      Clock clock) {
    this.search = new LogSearch(index, settings, registry);
    this.tails = new TailStreams(kafka, bootstrapServers, topics, settings, registry);
    this.settings = settings;
    this.executor = executor;
    this.clock = clock;
    this.badRequests =
        Counter.builder("logpipe.query.requests.rejected")
            .description(
                "Query requests answered 400 (malformed query, unknown field or parameter)")
            .register(registry);
    this.busy =
        Counter.builder("logpipe.query.requests.busy")
            .description(
                "Query requests answered 503 because every query thread or tail stream was busy")
            .register(registry);
  }

  @Override
  public void register(HttpServer server) {
    server.route(HttpMethod.GET, "/api/v1/search", offload(this::search));
    server.route(HttpMethod.GET, "/api/v1/histogram", offload(this::histogram));
    server.route(HttpMethod.GET, "/api/v1/tail", this::tail);
  }

  @Override
  public void stopStreams() {
    tails.stopAll();
  }

  /** A request handler that may block. */
  private interface Blocking {
    void handle(ChannelHandlerContext ctx, boolean keepAlive, QueryStringDecoder uri)
        throws IOException;
  }

  private HttpEndpoint offload(Blocking b) {
    return (ctx, request) -> {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      QueryStringDecoder uri = new QueryStringDecoder(request.uri());
      try {
        executor.execute(
            () -> {
              try {
                b.handle(ctx, keepAlive, uri);
              } catch (QuerySyntaxException e) {
                badRequest(ctx, keepAlive, e);
              } catch (IOException | RuntimeException e) {
                log.warn("query {} failed", uri.uri(), e);
                Responses.error(
                    ctx,
                    keepAlive,
                    HttpResponseStatus.INTERNAL_SERVER_ERROR,
                    "search failed: " + e);
              }
            });
      } catch (RejectedExecutionException e) {
        busy.increment();
        Responses.json(
            ctx,
            keepAlive,
            HttpResponseStatus.SERVICE_UNAVAILABLE,
            Map.of("error", "every query thread is busy; try again"),
            Map.of("Retry-After", "1"));
      }
    };
  }

  private void badRequest(ChannelHandlerContext ctx, boolean keepAlive, QuerySyntaxException e) {
    badRequests.increment();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", e.getMessage());
    body.put("parameter", e.parameter());
    if (e.parameter().equals("q")) {
      body.put("position", e.position());
    }
    Responses.json(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, body);
  }

  private void search(ChannelHandlerContext ctx, boolean keepAlive, QueryStringDecoder uri)
      throws IOException {
    QueryRequest q = QueryRequest.of(uri.parameters(), SEARCH_PARAMS);
    QueryNode node = q.query();
    Instant from = q.from(clock);
    Instant to = q.to(clock);
    boolean newest = q.newestFirst();
    int limit = q.limit(settings);
    LogSearch.Cursor cursor = q.cursor(newest);
    LogSearch.Page page =
        search.search(new LogSearch.Request(node, from, to, newest, limit, cursor));
    ByteBuf buf = Unpooled.buffer(4096 + page.records().size() * 800);
    try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
      out.write("{\"records\":[".getBytes(StandardCharsets.US_ASCII));
      boolean first = true;
      for (byte[] r : page.records()) {
        if (!first) {
          out.write(',');
        }
        first = false;
        out.write(r); // canonical record JSON, stored as it was in Kafka
      }
      // Cursors are made of [a-z0-9.:,] only: nothing to escape.
      String tail =
          "],\"next_cursor\":"
              + (page.next() == null ? "null" : "\"" + page.next().encode() + "\"")
              + ",\"tail_cursor\":\""
              + tailCursor(page.positions())
              + "\",\"timed_out\":"
              + page.timedOut()
              + "}\n";
      out.write(tail.getBytes(StandardCharsets.US_ASCII));
    }
    Responses.write(ctx, keepAlive, HttpResponseStatus.OK, "application/json", buf, Map.of());
  }

  private String tailCursor(Map<TopicPartition, Long> positions) {
    return TailPosition.encode(positions, tails.topics());
  }

  private void histogram(ChannelHandlerContext ctx, boolean keepAlive, QueryStringDecoder uri)
      throws IOException {
    QueryRequest q = QueryRequest.of(uri.parameters(), HISTOGRAM_PARAMS);
    QueryNode node = q.query();
    Instant to = q.to(clock);
    if (to == null) {
      to = clock.instant();
    }
    Instant from = q.from(clock);
    if (from == null) {
      from = to.minus(Duration.ofHours(24));
    }
    if (!from.isBefore(to)) {
      throw new QuerySyntaxException("from", 0, "'from' must be before 'to'");
    }
    Duration span = Duration.between(from, to);
    String iv = q.single("interval");
    Duration interval;
    if (iv == null) {
      interval = INTERVALS.get(INTERVALS.size() - 1);
      for (Duration d : INTERVALS) {
        if (span.dividedBy(d) <= 60) {
          interval = d;
          break;
        }
      }
      // Buckets start at a multiple of the interval, so that charts line up across requests.
    } else {
      interval = QueryRequest.duration("interval", iv);
    }
    long stepNanos = interval.toNanos();
    long startNanos = IndexFields.nanos(from);
    Instant start = IndexFields.instant(Math.floorDiv(startNanos, stepNanos) * stepNanos);
    long buckets = (IndexFields.nanos(to) - IndexFields.nanos(start) + stepNanos - 1) / stepNanos;
    if (buckets > settings.maxBuckets()) {
      throw new QuerySyntaxException(
          "interval",
          0,
          "an interval of "
              + interval
              + " makes "
              + buckets
              + " buckets; the most is "
              + settings.maxBuckets()
              + " (index.query.max_buckets): choose a longer interval");
    }
    LogSearch.Histogram h = search.histogram(node, start, to, interval);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", Timestamps.format(start));
    body.put("to", Timestamps.format(to));
    body.put("interval_seconds", interval.toMillis() / 1000.0);
    body.put("total", h.total());
    List<Map<String, Object>> list = new java.util.ArrayList<>();
    for (int i = 0; i < h.counts().length; i++) {
      Map<String, Object> b = new LinkedHashMap<>();
      b.put("time", Timestamps.format(start.plus(interval.multipliedBy(i))));
      b.put("count", h.counts()[i]);
      list.add(b);
    }
    body.put("buckets", list);
    Responses.json(ctx, keepAlive, HttpResponseStatus.OK, body);
  }

  private void tail(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean keepAlive = HttpUtil.isKeepAlive(request);
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    RecordMatcher matcher;
    Map<TopicPartition, Long> from = null;
    try {
      QueryRequest q = QueryRequest.of(uri.parameters(), TAIL_PARAMS);
      matcher = new RecordMatcher(q.query(), settings.maxIndexedChars());
      String lastEventId = request.headers().get("Last-Event-ID");
      String cursor =
          lastEventId != null && !lastEventId.isBlank() ? lastEventId : q.single("cursor");
      if (cursor != null && !cursor.isBlank()) {
        try {
          from = TailPosition.decode(cursor, tails.topics());
        } catch (IllegalArgumentException e) {
          throw new QuerySyntaxException(
              lastEventId != null ? "Last-Event-ID" : "cursor", 0, e.getMessage());
        }
      }
    } catch (QuerySyntaxException e) {
      badRequest(ctx, keepAlive, e);
      return;
    }
    if (!tails.open(ctx, matcher, from)) {
      busy.increment();
      Responses.json(
          ctx,
          false,
          HttpResponseStatus.SERVICE_UNAVAILABLE,
          Map.of(
              "error",
              "the most live-tail streams ("
                  + settings.tailMaxStreams()
                  + ", index.tail.max_streams) are open; try again later"),
          Map.of("Retry-After", "5"));
    }
  }
}
