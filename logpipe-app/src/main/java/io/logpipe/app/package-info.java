/**
 * The launcher: command line, configuration, roles and the wiring that starts and stops them in
 * order.
 */
package io.logpipe.app;
