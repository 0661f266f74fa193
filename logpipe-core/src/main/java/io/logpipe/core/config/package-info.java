/**
 * Reading and validating logpipe's YAML configuration: typed values, defaults, environment
 * overrides, every problem reported at once.
 */
package io.logpipe.core.config;
