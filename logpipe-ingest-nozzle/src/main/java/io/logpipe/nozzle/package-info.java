package io.logpipe.nozzle;
