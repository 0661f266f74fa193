/** Making log text safe to show: control characters and terminal escapes neutralised. */
package io.logpipe.core.text;
