package io.logpipe.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;

/**
 * Handles requests to one path. The endpoint owns the response: it must write exactly one response
 * (or stream one) on {@code ctx}, from any thread, and release nothing: the server releases the
 * request after {@code handle} returns, so an endpoint that works on the body later must {@link
 * FullHttpRequest#retain()} it and release it itself.
 *
 * <p>{@code handle} runs on a Netty event loop: it must not block.
 */
public interface HttpEndpoint {
  void handle(ChannelHandlerContext ctx, FullHttpRequest request);
}
