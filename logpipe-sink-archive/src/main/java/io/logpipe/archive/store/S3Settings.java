package io.logpipe.archive.store;

import io.logpipe.core.config.ConfigNode;
import io.logpipe.core.config.DataSize;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code archive.s3} section: where the bucket is and how to talk to it.
 *
 * @param endpoint an S3-compatible endpoint (LeoFS, MinIO, Ceph RGW); null for AWS itself
 * @param bucket the bucket (must exist)
 * @param region the signing region (S3 clones accept any; {@code us-east-1} is usual)
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}, which
 *     most clones need
 * @param accessKeyId null: from {@code AWS_ACCESS_KEY_ID} or the SDK's default chain
 * @param secretAccessKey null: likewise
 * @param conditionalWrites {@code auto} (probe at start), {@code on} or {@code off}: whether the
 *     store honours {@code If-None-Match: *} on PUT
 * @param maxAttempts attempts per request, retried with exponential backoff and full jitter on 5xx,
 *     503 SlowDown, throttling and I/O errors
 * @param retryBase the first backoff
 * @param retryMax the largest backoff
 * @param requestTimeout how long one attempt may take
 * @param multipartThreshold objects this large or larger go up in parts
 * @param partSize the size of each part (S3's minimum is 5 MiB)
 */
public record S3Settings(
    URI endpoint,
    String bucket,
    String region,
    boolean pathStyle,
    String accessKeyId,
    String secretAccessKey,
    String conditionalWrites,
    int maxAttempts,
    Duration retryBase,
    Duration retryMax,
    Duration requestTimeout,
    DataSize multipartThreshold,
    DataSize partSize) {

  /** Reads {@code archive.s3}; {@code required} says whether the bucket must be set. */
  public static S3Settings from(ConfigNode s3, boolean required) {
    String endpoint = s3.string("endpoint", "");
    URI uri = null;
    if (!endpoint.isBlank()) {
      try {
        uri = URI.create(endpoint);
        if (uri.getScheme() == null
            || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
            || uri.getHost() == null) {
          s3.problem("endpoint", "expected http(s)://host[:port], got '" + endpoint + "'");
          uri = null;
        }
      } catch (IllegalArgumentException e) {
        s3.problem("endpoint", "not a URI: " + e.getMessage());
      }
    }
    String bucket = s3.string("bucket", "");
    if (required && bucket.isBlank()) {
      s3.problem("bucket", "required when archive.store is s3");
    } else if (!bucket.isBlank() && !bucket.matches("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")) {
      s3.problem("bucket", "not a valid bucket name: '" + bucket + "'");
    }
    String region = s3.string("region", "us-east-1");
    boolean pathStyle = s3.bool("path_style", true);
    String id = s3.string("access_key_id", "");
    String secret = s3.string("secret_access_key", "");
    if (id.isBlank() != secret.isBlank()) {
      s3.problem("access_key_id", "set both access_key_id and secret_access_key, or neither");
    }
    String conditional = s3.oneOf("conditional_writes", "auto", List.of("auto", "on", "off"));
    int attempts = s3.integer("max_attempts", 10, 1, 100);
    Duration base =
        s3.duration(
            "retry_base", Duration.ofMillis(100), Duration.ofMillis(1), Duration.ofMinutes(1));
    Duration max =
        s3.duration(
            "retry_max", Duration.ofSeconds(20), Duration.ofMillis(1), Duration.ofMinutes(10));
    Duration timeout =
        s3.duration(
            "request_timeout",
            Duration.ofSeconds(60),
            Duration.ofSeconds(1),
            Duration.ofMinutes(30));
    DataSize threshold =
        s3.size(
            "multipart_threshold",
            DataSize.ofMebibytes(16),
            DataSize.ofMebibytes(5),
            DataSize.ofGibibytes(5));
    DataSize part =
        s3.size(
            "part_size", DataSize.ofMebibytes(8), DataSize.ofMebibytes(5), DataSize.ofGibibytes(5));
    return new S3Settings(
        uri,
        bucket,
        region,
        pathStyle,
        id.isBlank() ? null : id,
        secret.isBlank() ? null : secret,
        conditional,
        attempts,
        base,
        max,
        timeout,
        threshold,
        part);
  }

  @Override
  public String toString() {
    return "S3Settings[endpoint="
        + endpoint
        + ", bucket="
        + bucket
        + ", region="
        + region
        + ", pathStyle="
        + pathStyle
        + ", credentials="
        + (accessKeyId != null ? "from config" : "from environment/default chain")
        + "]";
  }
}
