package io.logpipe.nozzle.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.logpipe.core.config.Secret;
import io.logpipe.nozzle.NozzleMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens from UAA with the {@code client_credentials} grant: {@code POST <uaa>/oauth/token}, form
 * {@code grant_type=client_credentials&client_id=...}, the client id and secret as HTTP Basic auth.
 * The header value is {@code bearer <access_token>} with a lower-case {@code bearer}, the only form
 * the traffic controller and the RLP gateway strip.
 *
 * <p>A token is reused until less than the refresh margin (at most half its lifetime) is left, or
 * until a user of it reports it refused ({@link #invalidate}). Streams check their token only when
 * they connect, so a token that expires while a stream is open does no harm; the next connection
 * gets a fresh one.
 *
 * <p>Thread-safe; {@link #authorization()} blocks while it fetches. The secret is never logged.
 */
public final class UaaTokenSource implements TokenSource {
  private static final Logger log = LoggerFactory.getLogger(UaaTokenSource.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI tokenUri;
  private final String clientId;
  private final Secret secret;
  private final Duration refreshMargin;
  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final NozzleMetrics metrics;

  private String current;
  private Instant refreshAt = Instant.MIN;

  /**
   * @param uaa UAA's base URL
   * @param http the client for UAA (its TLS set up)
   * @param timeout how long one token request may take
   */
  public UaaTokenSource(
      URI uaa,
      String clientId,
      Secret secret,
      Duration refreshMargin,
      HttpClient http,
      Duration timeout,
      Clock clock,
      NozzleMetrics metrics) {
    String base = uaa.toString();
    this.tokenUri = URI.create((base.endsWith("/") ? base : base + "/") + "oauth/token");
    this.clientId = clientId;
    this.secret = secret;
    this.refreshMargin = refreshMargin;
    this.http = http;
    this.timeout = timeout;
    this.clock = clock;
    this.metrics = metrics;
  }

  @Override
  public synchronized String authorization() throws TokenException {
    if (current == null || !clock.instant().isBefore(refreshAt)) {
      fetch();
    }
    return current;
  }

  @Override
  public synchronized void invalidate(String authorization) {
    if (authorization != null && authorization.equals(current)) {
      current = null;
    }
  }

  private void fetch() throws TokenException {
    String form =
        "grant_type=client_credentials&client_id="
            + URLEncoder.encode(clientId, StandardCharsets.UTF_8);
    String basic =
        Base64.getEncoder()
            .encodeToString((clientId + ":" + secret.value()).getBytes(StandardCharsets.UTF_8));
    HttpRequest request =
        HttpRequest.newBuilder(tokenUri)
            .timeout(timeout)
            .header("Authorization", "Basic " + basic)
            .header("Content-Type", "application/x-www-form-urlencoded")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    Instant asked = clock.instant();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      metrics.tokenFetch("error");
      String tls = PlatformTls.problem(e);
      throw new TokenException(
          tls != null
              ? "UAA " + tokenUri + ": " + tls
              : "UAA " + tokenUri + " did not answer: " + e,
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TokenException("interrupted while asking UAA for a token", e);
    }
    if (response.statusCode() != 200) {
      metrics.tokenFetch("error");
      throw new TokenException(
          "UAA "
              + tokenUri
              + " refused a token to client '"
              + clientId
              + "': HTTP "
              + response.statusCode()
              + " "
              + errorOf(response.body()),
          null);
    }
    try {
      JsonNode body = JSON.readTree(response.body());
      String token = body.path("access_token").asText("");
      if (token.isEmpty()) {
        throw new TokenException("UAA's answer has no access_token", null);
      }
      long expiresIn = body.path("expires_in").asLong(0);
      Duration lifetime = Duration.ofSeconds(Math.max(1, expiresIn));
      Duration margin = refreshMargin;
      if (margin.compareTo(lifetime.dividedBy(2)) > 0) {
        margin = lifetime.dividedBy(2);
      }
      current = "bearer " + token;
      refreshAt = asked.plus(lifetime).minus(margin);
      metrics.tokenFetch("ok");
      log.info(
          "token from UAA for client '{}': valid {} s, renewed after {}",
          clientId,
          expiresIn,
          refreshAt);
    } catch (IOException e) {
      metrics.tokenFetch("error");
      throw new TokenException("UAA's answer is not JSON: " + e.getMessage(), e);
    }
  }

  /** UAA's {@code error} and {@code error_description}, for the log. */
  private static String errorOf(String body) {
    try {
      JsonNode n = JSON.readTree(body);
      String e = n.path("error").asText("");
      String d = n.path("error_description").asText("");
      return (e + (d.isEmpty() ? "" : ": " + d)).trim();
    } catch (IOException | RuntimeException e) {
      return body.length() > 200 ? body.substring(0, 200) : body;
    }
  }
}
