package io.logpipe.nozzle.fake;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The Netty HTTP server the fake gateway and traffic controller run on: a free port of 127.0.0.1,
 * TLS first when given a certificate, then the HTTP codec and an aggregator, so that each
 * connection's handler gets whole requests. A connection that fails (a client refusing the
 * certificate, one that went away) is closed, as a real server does. {@link #close} closes the
 * listener and every connection.
 */
final class FakeHttpServer implements AutoCloseable {
  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final SslContext ssl;
  private final Channel server;
  private final Channel server6;

  /**
   * @param tls the certificate to serve TLS with; null for none
   * @param handler makes the handler of each new connection
   */
  FakeHttpServer(PlatformCertificates.ServerIdentity tls, Supplier<ChannelHandler> handler)
      throws InterruptedException {
    ssl = tls == null ? null : tls.netty();
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(NioServerSocketChannel.class)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    connections.add(ch);
                    if (ssl != null) {
                      ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                    }
                    ch.pipeline()
                        .addLast(new HttpServerCodec())
                        .addLast(new HttpObjectAggregator(64 * 1024))
                        .addLast(handler.get())
                        .addLast(new CloseOnError());
                  }
                });
    server = bootstrap.bind("127.0.0.1", 0).sync().channel();
    server6 = bindIpv6(bootstrap);
  }

  /** A listener on ::1, or null where this host has no IPv6 loopback. */
  private static Channel bindIpv6(ServerBootstrap bootstrap) throws InterruptedException {
    ChannelFuture f = bootstrap.bind("::1", 0).await();
    return f.isSuccess() ? f.channel() : null;
  }

  /** True when it also listens on IPv6's loopback. */
  boolean ipv6() {
    return server6 != null;
  }

  /** True when it serves TLS. */
  boolean secure() {
    return ssl != null;
  }

  /** Its base URL, with {@code plain} or {@code secure} as the scheme ({@code ws}, {@code wss}). */
  URI url(String plain, String secure) {
    return URI.create(
        (ssl == null ? plain : secure)
            + "://127.0.0.1:"
            + ((InetSocketAddress) server.localAddress()).getPort());
  }

  /** The same on IPv6's loopback, {@code [::1]}. */
  URI url6(String plain, String secure) {
    if (server6 == null) {
      throw new IllegalStateException("this host has no IPv6 loopback (::1)");
    }
    return URI.create(
        (ssl == null ? plain : secure)
            + "://[::1]:"
            + ((InetSocketAddress) server6.localAddress()).getPort());
  }

  @Override
  public void close() {
    server.close().syncUninterruptibly();
    if (server6 != null) {
      server6.close().syncUninterruptibly();
    }
    connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static final class CloseOnError extends ChannelInboundHandlerAdapter {
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
