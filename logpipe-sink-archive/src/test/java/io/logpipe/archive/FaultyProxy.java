package io.logpipe.archive;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy in front of the S3 server that answers chosen new connections with an S3 error
 * instead of forwarding them: {@code 503 SlowDown} or {@code 500 InternalError}, as S3 and its
 * clones do under load. Other connections are piped byte for byte (so request signatures stay
 * valid). Loopback only.
 */
final class FaultyProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int upstreamPort;
  private final ConcurrentLinkedQueue<Integer> faults = new ConcurrentLinkedQueue<>();
  final AtomicInteger injected = new AtomicInteger();
  private volatile int everyNth;
  private final AtomicInteger connections = new AtomicInteger();

  FaultyProxy(int upstreamPort) throws IOException {
    this.upstreamPort = upstreamPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::accept, "faulty-proxy");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The next new connections get these statuses (503 or 500), one each. */
  void fail(int... statuses) {
    for (int s : statuses) {
      faults.add(s);
    }
  }

  /** From now on every n-th new connection gets a 503 (0: none). */
  void failEvery(int n) {
    everyNth = n;
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> handle(client), "faulty-proxy-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int state = 0;
      while (state < 4) {
        int c = in.read();
        if (c < 0) {
          return;
        }
        head.write(c);
        state =
            (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
                ? state + 1
                : 0;
      }
      int n = connections.incrementAndGet();
      Integer status = faults.poll();
      if (status == null && everyNth > 0 && n % everyNth == 0) {
        status = 503;
      }
      if (status != null) {
        injected.incrementAndGet();
        String code = status == 503 ? "SlowDown" : "InternalError";
        String body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>"
                + code
                + "</Code><Message>injected by the test</Message></Error>";
        String response =
            "HTTP/1.1 "
                + status
                + (status == 503 ? " Slow Down" : " Internal Server Error")
                + "\r\nContent-Type: application/xml\r\nContent-Length: "
                + body.length()
                + "\r\nConnection: close\r\n\r\n"
                + body;
        client.getOutputStream().write(response.getBytes(StandardCharsets.US_ASCII));
        client.getOutputStream().flush();
        return;
      }
      try (Socket up = new Socket()) {
        up.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort));
        // One request per connection, so that every request passes through the fault choice.
        String h = head.toString(StandardCharsets.ISO_8859_1);
        h = h.substring(0, h.length() - 2) + "Connection: close\r\n\r\n";
        up.getOutputStream().write(h.getBytes(StandardCharsets.ISO_8859_1));
        Thread back = new Thread(() -> pipe(up, client), "faulty-proxy-back");
        back.setDaemon(true);
        back.start();
        pipe(client, up);
        back.join();
      }
    } catch (IOException | InterruptedException e) {
      // Connection over.
    }
  }

  private static void pipe(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[64 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
      to.shutdownOutput();
    } catch (IOException e) {
      try {
        to.close();
      } catch (IOException ignored) {
        // Closed.
      }
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
