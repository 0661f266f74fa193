package io.logpipe.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * The command line's side of the query API: pages of a search, and the live tail with reconnects.
 * Not thread-safe; one per command.
 */
final class QueryClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  QueryClient(URI base) {
    this.base = base;
  }

  /** The API answered with an error; {@code status} 400 for a bad request. */
  static final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;
    final transient JsonNode body;

    ApiException(int status, JsonNode body, String message) {
      super(message);
      this.status = status;
      this.body = body;
    }
  }

  /** The server could not be reached. */
  static final class UnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private URI uri(String path, Map<String, String> params) {
    String q =
        params.entrySet().stream()
            .filter(e -> e.getValue() != null)
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return base.resolve(path + (q.isEmpty() ? "" : "?" + q));
  }

  /** One page of {@code /api/v1/search}. */
  JsonNode search(Map<String, String> params) throws InterruptedException {
    URI u = uri("/api/v1/search", params);
    HttpResponse<String> r;
    try {
      r =
          http.send(
              HttpRequest.newBuilder(u).timeout(Duration.ofSeconds(60)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UnreachableException(
          "cannot reach logpipe at " + base + " (" + describe(e) + "); is it running?", e);
    }
    JsonNode body;
    try {
      body = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ApiException(r.statusCode(), null, "not an answer of the query API: " + r.body());
    }
    if (r.statusCode() != 200) {
      String msg = body.has("error") ? body.get("error").asText() : r.body();
      throw new ApiException(r.statusCode(), body, msg);
    }
    return body;
  }

  private static String describe(IOException e) {
    if (e instanceof ConnectException) {
      return "connection refused";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }

  /**
   * Follows {@code /api/v1/tail} until interrupted, reconnecting with the last event id whenever
   * the connection ends (a server restart, a network break), with a backoff up to 5 s.
   *
   * @param cursor where to start; null for the newest records
   * @param onRecord each record's JSON
   * @param onNotice reconnect notices, for stderr
   * @throws ApiException if the server refuses the request (400), which retrying cannot fix
   */
  void follow(
      Map<String, String> params,
      String cursor,
      Consumer<String> onRecord,
      Consumer<String> onNotice)
      throws InterruptedException {
    String lastId = cursor;
    long backoff = 250;
    boolean announced = false;
    while (!Thread.currentThread().isInterrupted()) {
      Map<String, String> p = new LinkedHashMap<>(params);
      HttpRequest.Builder b =
          HttpRequest.newBuilder(uri("/api/v1/tail", p)).header("Accept", "text/event-stream");
      if (lastId != null) {
        b.header("Last-Event-ID", lastId);
      }
      try {
        HttpResponse<InputStream> r =
            http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() == 400) {
          JsonNode body;
          try (InputStream in = r.body()) {
            body = JSON.readTree(in);
          }
          throw new ApiException(400, body, body.path("error").asText("bad request"));
        }
        if (r.statusCode() != 200) {
          try (InputStream in = r.body()) {
            in.readAllBytes();
          }
          throw new IOException("HTTP " + r.statusCode());
        }
        if (announced) {
          onNotice.accept("reconnected; following again");
          announced = false;
        }
        backoff = 250;
        try (BufferedReader in =
            new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
          String id = null;
          String data = null;
          for (String line; (line = in.readLine()) != null; ) {
            if (line.isEmpty()) {
              if (id != null) {
                lastId = id;
              }
              if (data != null) {
                onRecord.accept(data);
              }
              id = null;
              data = null;
            } else if (line.startsWith("id:")) {
              id = line.substring(3).trim();
            } else if (line.startsWith("data:")) {
              data = line.substring(5).stripLeading();
            }
          }
        }
        throw new IOException("the server ended the stream");
      } catch (IOException e) {
        if (!announced) {
          onNotice.accept(
              "lost the connection to " + base + " (" + describe(e) + "); reconnecting");
          announced = true;
        }
        Thread.sleep(backoff);
        backoff = Math.min(5000, backoff * 2);
      }
    }
  }
}
