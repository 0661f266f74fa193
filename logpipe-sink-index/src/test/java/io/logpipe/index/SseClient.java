package io.logpipe.index;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A minimal Server-Sent Events client for tests: events with data, and the last id seen. */
final class SseClient implements AutoCloseable {
  record Event(String id, String data) {}

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final InputStream in;
  private final Thread reader;
  final int status;
  volatile String lastId;

  SseClient(HttpClient client, URI uri, String lastEventId) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream");
    if (lastEventId != null) {
      b.header("Last-Event-ID", lastEventId);
    }
    HttpResponse<InputStream> r = client.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    status = r.statusCode();
    in = r.body();
    reader =
        new Thread(
            () -> {
              try (BufferedReader br =
                  new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String id = null;
                StringBuilder data = null;
                for (String line; (line = br.readLine()) != null; ) {
                  if (line.isEmpty()) {
                    if (id != null) {
                      lastId = id;
                    }
                    if (data != null) {
                      events.add(new Event(lastId, data.toString()));
                    }
                    id = null;
                    data = null;
                  } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                  } else if (line.startsWith("data: ")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(line.substring(6));
                  }
                }
              } catch (Exception e) {
                // closed
              }
            },
            "sse-test-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The next {@code n} events, failing after {@code timeout}. */
  List<Event> take(int n, Duration timeout) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    long end = System.nanoTime() + timeout.toNanos();
    while (out.size() < n) {
      Event e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("got " + out.size() + " of " + n + " events: " + out);
      }
      out.add(e);
    }
    return out;
  }

  /** Events that arrive within {@code wait}. */
  List<Event> drain(Duration wait) throws InterruptedException {
    List<Event> out = new ArrayList<>();
    long end = System.nanoTime() + wait.toNanos();
    Event e;
    while ((e = events.poll(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
      out.add(e);
    }
    return out;
  }

  @Override
  public void close() throws java.io.IOException {
    in.close();
  }
}
