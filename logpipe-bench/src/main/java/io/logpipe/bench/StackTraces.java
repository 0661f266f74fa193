package io.logpipe.bench;

import io.logpipe.bench.Foundation.App;

/**
 * Multi-line crash reports as runtimes print them: Java exceptions with cause chains, Go panics,
 * Python tracebacks and Node.js errors. Framework frames are fixed, as they are in real traces; the
 * app's own frames, line numbers and messages vary. Not thread-safe.
 */
final class StackTraces {
  private static final String[] SPRING_MVC_FRAMES = {
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
    "org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)",
    "org.springframework.web.method.support.InvocableHandlerMethod.invokeForRequest(InvocableHandlerMethod.java:188)",
    "org.springframework.web.servlet.mvc.method.annotation.ServletInvocableHandlerMethod.invokeAndHandle(ServletInvocableHandlerMethod.java:118)",
    "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.invokeHandlerMethod(RequestMappingHandlerAdapter.java:926)",
    "org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerAdapter.handleInternal(RequestMappingHandlerAdapter.java:831)",
    "org.springframework.web.servlet.mvc.method.AbstractHandlerMethodAdapter.handle(AbstractHandlerMethodAdapter.java:87)",
    "org.springframework.web.servlet.DispatcherServlet.doDispatch(DispatcherServlet.java:1089)",
    "org.springframework.web.servlet.DispatcherServlet.doService(DispatcherServlet.java:979)",
    "org.springframework.web.servlet.FrameworkServlet.processRequest(FrameworkServlet.java:1014)",
    "org.springframework.web.servlet.FrameworkServlet.doPost(FrameworkServlet.java:914)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:590)",
    "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
    "jakarta.servlet.http.HttpServlet.service(HttpServlet.java:658)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:195)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.apache.tomcat.websocket.server.WsFilter.doFilter(WsFilter.java:51)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.RequestContextFilter.doFilterInternal(RequestContextFilter.java:100)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.FormContentFilter.doFilterInternal(FormContentFilter.java:93)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.ServerHttpObservationFilter.doFilterInternal(ServerHttpObservationFilter.java:109)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.springframework.web.filter.CharacterEncodingFilter.doFilterInternal(CharacterEncodingFilter.java:201)",
    "org.springframework.web.filter.OncePerRequestFilter.doFilter(OncePerRequestFilter.java:116)",
    "org.apache.catalina.core.ApplicationFilterChain.internalDoFilter(ApplicationFilterChain.java:164)",
    "org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)",
    "org.apache.catalina.core.StandardWrapperValve.invoke(StandardWrapperValve.java:167)",
    "org.apache.catalina.core.StandardContextValve.invoke(StandardContextValve.java:90)",
    "org.apache.catalina.authenticator.AuthenticatorBase.invoke(AuthenticatorBase.java:482)",
    "org.apache.catalina.core.StandardHostValve.invoke(StandardHostValve.java:115)",
    "org.apache.catalina.valves.ErrorReportValve.invoke(ErrorReportValve.java:93)",
    "org.apache.catalina.core.StandardEngineValve.invoke(StandardEngineValve.java:74)",
    "org.apache.catalina.connector.CoyoteAdapter.service(CoyoteAdapter.java:344)",
    "org.apache.coyote.http11.Http11Processor.service(Http11Processor.java:391)",
    "org.apache.coyote.AbstractProcessorLight.process(AbstractProcessorLight.java:63)",
    "org.apache.coyote.AbstractProtocol$ConnectionHandler.process(AbstractProtocol.java:896)",
    "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun(NioEndpoint.java:1744)",
    "org.apache.tomcat.util.net.SocketProcessorBase.run(SocketProcessorBase.java:52)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1191)",
    "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run(ThreadPoolExecutor.java:659)",
    "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run(TaskThread.java:63)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
  };

  private static final String[] KAFKA_LISTENER_FRAMES = {
    "java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)",
    "java.base/java.lang.reflect.Method.invoke(Method.java:580)",
    "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:169)",
    "org.springframework.messaging.handler.invocation.InvocableHandlerMethod.invoke(InvocableHandlerMethod.java:119)",
    "org.springframework.kafka.listener.adapter.HandlerAdapter.invoke(HandlerAdapter.java:70)",
    "org.springframework.kafka.listener.adapter.MessagingMessageListenerAdapter.invokeHandler(MessagingMessageListenerAdapter.java:420)",
    "org.springframework.kafka.listener.adapter.RecordMessagingMessageListenerAdapter.onMessage(RecordMessagingMessageListenerAdapter.java:85)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeOnMessage(KafkaMessageListenerContainer.java:2800)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeOnMessage(KafkaMessageListenerContainer.java:2778)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeRecordListener(KafkaMessageListenerContainer.java:2690)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.doInvokeWithRecords(KafkaMessageListenerContainer.java:2541)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeRecordListener(KafkaMessageListenerContainer.java:2430)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.invokeListener(KafkaMessageListenerContainer.java:2085)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.pollAndInvoke(KafkaMessageListenerContainer.java:1461)",
    "org.springframework.kafka.listener.KafkaMessageListenerContainer$ListenerConsumer.run(KafkaMessageListenerContainer.java:1426)",
    "java.base/java.util.concurrent.CompletableFuture$AsyncRun.run(CompletableFuture.java:1804)",
    "java.base/java.lang.Thread.run(Thread.java:1583)",
  };

  private static final String[] JDBC_FRAMES = {
    "org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2725)",
    "org.postgresql.core.v3.QueryExecutorImpl.processResults(QueryExecutorImpl.java:2412)",
    "org.postgresql.core.v3.QueryExecutorImpl.execute(QueryExecutorImpl.java:371)",
    "org.postgresql.jdbc.PgStatement.executeInternal(PgStatement.java:502)",
    "org.postgresql.jdbc.PgStatement.execute(PgStatement.java:419)",
    "org.postgresql.jdbc.PgPreparedStatement.executeWithFlags(PgPreparedStatement.java:194)",
    "org.postgresql.jdbc.PgPreparedStatement.executeUpdate(PgPreparedStatement.java:155)",
    "com.zaxxer.hikari.pool.ProxyPreparedStatement.executeUpdate(ProxyPreparedStatement.java:61)",
    "com.zaxxer.hikari.pool.HikariProxyPreparedStatement.executeUpdate(HikariProxyPreparedStatement.java)",
    "org.hibernate.engine.jdbc.internal.ResultSetReturnImpl.executeUpdate(ResultSetReturnImpl.java:194)",
    "org.hibernate.engine.jdbc.mutation.internal.AbstractMutationExecutor.performNonBatchedMutation(AbstractMutationExecutor.java:108)",
    "org.hibernate.engine.jdbc.mutation.internal.MutationExecutorSingleNonBatched.performNonBatchedOperations(MutationExecutorSingleNonBatched.java:40)",
    "org.hibernate.engine.jdbc.mutation.internal.AbstractMutationExecutor.execute(AbstractMutationExecutor.java:55)",
    "org.hibernate.persister.entity.mutation.InsertCoordinator.doStaticInserts(InsertCoordinator.java:175)",
    "org.hibernate.persister.entity.mutation.InsertCoordinator.coordinateInsert(InsertCoordinator.java:113)",
    "org.hibernate.persister.entity.AbstractEntityPersister.insert(AbstractEntityPersister.java:2873)",
    "org.hibernate.action.internal.EntityInsertAction.execute(EntityInsertAction.java:104)",
    "org.hibernate.engine.spi.ActionQueue.executeActions(ActionQueue.java:632)",
    "org.hibernate.engine.spi.ActionQueue.executeActions(ActionQueue.java:499)",
    "org.hibernate.event.internal.AbstractFlushingEventListener.performExecutions(AbstractFlushingEventListener.java:363)",
    "org.hibernate.event.internal.DefaultFlushEventListener.onFlush(DefaultFlushEventListener.java:39)",
    "org.hibernate.internal.SessionImpl.doFlush(SessionImpl.java:1412)",
  };

  private static final String[] SOCKET_FRAMES = {
    "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
    "java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:314)",
    "java.base/sun.nio.ch.NioSocketImpl.read(NioSocketImpl.java:355)",
    "java.base/sun.nio.ch.NioSocketImpl$1.read(NioSocketImpl.java:808)",
    "java.base/java.net.Socket$SocketInputStream.read(Socket.java:966)",
    "java.base/java.io.BufferedInputStream.fill(BufferedInputStream.java:244)",
    "java.base/java.io.BufferedInputStream.read1(BufferedInputStream.java:284)",
    "java.base/java.io.BufferedInputStream.read(BufferedInputStream.java:343)",
    "java.base/sun.net.www.http.HttpClient.parseHTTPHeader(HttpClient.java:791)",
    "java.base/sun.net.www.http.HttpClient.parseHTTP(HttpClient.java:726)",
    "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream0(HttpURLConnection.java:1688)",
    "java.base/sun.net.www.protocol.http.HttpURLConnection.getInputStream(HttpURLConnection.java:1589)",
    "java.base/java.net.HttpURLConnection.getResponseCode(HttpURLConnection.java:529)",
    "org.springframework.http.client.SimpleClientHttpResponse.getStatusCode(SimpleClientHttpResponse.java:55)",
    "org.springframework.web.client.DefaultResponseErrorHandler.hasError(DefaultResponseErrorHandler.java:75)",
    "org.springframework.web.client.RestTemplate.handleResponse(RestTemplate.java:915)",
    "org.springframework.web.client.RestTemplate.doExecute(RestTemplate.java:864)",
  };

  private static final String[] GO_FRAMES = {
    "net/http.HandlerFunc.ServeHTTP(0xc000120000?, {0xa1b2c0?, 0xc000312380?}, 0x0?)\n\t/usr/local/go/src/net/http/server.go:2166 +0x29",
    "github.com/go-chi/chi/v5.(*Mux).routeHTTP(0xc0000a4060, {0xa1b2c0, 0xc000312380}, 0xc000124a00)\n\t/home/vcap/deps/0/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:459 +0x2a2",
    "net/http.HandlerFunc.ServeHTTP(0xc000130000?, {0xa1b2c0?, 0xc000312380?}, 0xc0001b6f18?)\n\t/usr/local/go/src/net/http/server.go:2166 +0x29",
    "github.com/go-chi/chi/v5/middleware.Recoverer.func1({0xa1b2c0?, 0xc000312380?}, 0xc000124a00?)\n\t/home/vcap/deps/0/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/middleware/recoverer.go:45 +0x9c",
    "github.com/go-chi/chi/v5/middleware.RequestID.func1({0xa1b2c0, 0xc000312380}, 0xc000124900)\n\t/home/vcap/deps/0/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/middleware/request_id.go:76 +0x22d",
    "github.com/go-chi/chi/v5.(*Mux).ServeHTTP(0xc0000a4060, {0xa1b2c0?, 0xc000312380}, 0xc000124800)\n\t/home/vcap/deps/0/go/pkg/mod/github.com/go-chi/chi/v5@v5.0.12/mux.go:90 +0x2ff",
    "net/http.serverHandler.ServeHTTP({0xc0001a2000?}, {0xa1b2c0?, 0xc000312380?}, 0x6?)\n\t/usr/local/go/src/net/http/server.go:3137 +0x8e",
    "net/http.(*conn).serve(0xc0001b4000, {0xa1c3d8, 0xc0000c4a80})\n\t/usr/local/go/src/net/http/server.go:2039 +0x5e8",
  };

  private static final String[] FLASK_FRAMES = {
    "  File \"/home/vcap/deps/0/python/lib/python3.11/site-packages/flask/app.py\", line 1463, in wsgi_app\n    response = self.full_dispatch_request()",
    "  File \"/home/vcap/deps/0/python/lib/python3.11/site-packages/flask/app.py\", line 872, in full_dispatch_request\n    rv = self.handle_user_exception(e)",
    "  File \"/home/vcap/deps/0/python/lib/python3.11/site-packages/flask/app.py\", line 870, in full_dispatch_request\n    rv = self.dispatch_request()",
    "  File \"/home/vcap/deps/0/python/lib/python3.11/site-packages/flask/app.py\", line 855, in dispatch_request\n    return self.ensure_sync(self.view_functions[rule.endpoint])(**view_args)",
  };

  private static final String[] NODE_FRAMES = {
    "    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1595:16)",
    "    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)",
    "    at async Pool.connect (/home/vcap/app/node_modules/pg-pool/index.js:45:11)",
    "    at async Layer.handle [as handle_request] (/home/vcap/app/node_modules/express/lib/router/layer.js:95:5)",
    "    at async next (/home/vcap/app/node_modules/express/lib/router/route.js:149:13)",
  };

  private final Dice dice;

  StackTraces(Dice dice) {
    this.dice = dice;
  }

  /**
   * Appends a Java exception with a cause chain, thrown by the app's code and caught in Spring MVC
   * or a Kafka listener, as {@code Throwable.printStackTrace} prints it.
   */
  void appendJava(StringBuilder b, App app, boolean listener) {
    int kind = dice.below(4);
    String cls = app.className();
    String pkg = app.javaPackage();
    long id = dice.entityId(2_000_000);
    switch (kind) {
      case 0 ->
          b.append("java.lang.IllegalStateException: ")
              .append(cls)
              .append(' ')
              .append(id)
              .append(" is in state CANCELLED and cannot be moved to SHIPPED");
      case 1 ->
          b.append(
                  "org.springframework.dao.DataIntegrityViolationException: could not execute"
                      + " statement [ERROR: duplicate key value violates unique constraint \"")
              .append(table(app))
              .append("_pkey\"\n  Detail: Key (id)=(")
              .append(id)
              .append(") already exists.] [insert into ")
              .append(table(app))
              .append(
                  " (created_at,customer_id,status,total,updated_at,version,id) values"
                      + " (?,?,?,?,?,?,?)]; SQL [n/a]; constraint [")
              .append(table(app))
              .append("_pkey]");
      case 2 ->
          b.append(
                  "org.springframework.web.client.ResourceAccessException: I/O error on GET"
                      + " request for \"http://")
              .append(app.peer())
              .append(".apps.internal:8080/api/v1/")
              .append(app.noun())
              .append('/')
              .append(id)
              .append("\": Read timed out");
      default ->
          b.append("java.lang.NullPointerException: Cannot invoke \"")
              .append(pkg)
              .append(".model.Customer.getId()\" because the return value of \"")
              .append(pkg)
              .append(".model.")
              .append(cls)
              .append(".getCustomer()\" is null");
    }
    appendAppFrames(b, app, listener ? "EventListener" : "Controller");
    String[] outer = listener ? KAFKA_LISTENER_FRAMES : SPRING_MVC_FRAMES;
    appendJavaFrames(b, outer, 0, outer.length);
    if (kind == 1) {
      b.append(
              "\nCaused by: org.hibernate.exception.ConstraintViolationException: could not"
                  + " execute statement [ERROR: duplicate key value violates unique constraint \"")
          .append(table(app))
          .append("_pkey\"]");
      appendJavaFrames(b, JDBC_FRAMES, 9, JDBC_FRAMES.length);
      appendOmitted(b, outer.length + 4);
      b.append(
              "\nCaused by: org.postgresql.util.PSQLException: ERROR: duplicate key value violates"
                  + " unique constraint \"")
          .append(table(app))
          .append("_pkey\"\n  Detail: Key (id)=(")
          .append(id)
          .append(") already exists.");
      appendJavaFrames(b, JDBC_FRAMES, 0, 9);
      appendOmitted(b, outer.length + 17);
    } else if (kind == 2) {
      b.append("\nCaused by: java.net.SocketTimeoutException: Read timed out");
      appendJavaFrames(b, SOCKET_FRAMES, 0, SOCKET_FRAMES.length);
      appendOmitted(b, outer.length + 5);
    }
  }

  private void appendAppFrames(StringBuilder b, App app, String entry) {
    String pkg = app.javaPackage();
    String cls = app.className();
    int depth = 2 + dice.below(4);
    String[] layers = {"repository", "service", "service", "domain", "service"};
    for (int i = 0; i < depth; i++) {
      String layer = layers[i];
      b.append("\n\tat ").append(pkg).append('.').append(layer).append('.').append(cls);
      b.append(Character.toUpperCase(layer.charAt(0))).append(layer, 1, layer.length());
      b.append('.').append(i == 0 ? "save" : i == 1 ? "process" : "handle").append('(');
      b.append(cls).append(Character.toUpperCase(layer.charAt(0))).append(layer, 1, layer.length());
      b.append(".java:").append(40 + Dice.mix(app.index() * 7L + i) % 300).append(')');
    }
    b.append("\n\tat ").append(pkg).append(entry.equals("Controller") ? ".web." : ".messaging.");
    b.append(cls).append(entry).append(".on").append(cls).append('(').append(cls).append(entry);
    b.append(".java:").append(30 + dice.below(150)).append(')');
  }

  private static void appendJavaFrames(StringBuilder b, String[] frames, int from, int to) {
    for (int i = from; i < to; i++) {
      b.append("\n\tat ").append(frames[i]);
    }
  }

  private static void appendOmitted(StringBuilder b, int frames) {
    b.append("\n\t... ").append(frames).append(" common frames omitted");
  }

  private static String table(App app) {
    return app.noun().replace('-', '_');
  }

  /** Appends a Go panic with the goroutine's stack, as the Go runtime prints it on stderr. */
  void appendGoPanic(StringBuilder b, App app) {
    if (dice.percent(60)) {
      b.append(
          "panic: runtime error: invalid memory address or nil pointer dereference\n"
              + "[signal SIGSEGV: segmentation violation code=0x1 addr=0x");
      Dice.appendHex(b, 0x18 + 8 * dice.below(6), 2);
      b.append(" pc=0x");
      dice.appendHex(b, 6);
      b.append(']');
    } else {
      b.append("panic: runtime error: index out of range [").append(dice.below(8) + 1);
      b.append("] with length ").append(dice.below(2));
    }
    b.append("\n\ngoroutine ").append(1 + dice.below(20_000)).append(" [running]:\n");
    b.append("github.com/example/").append(app.noun()).append("/internal/handlers.(*");
    b.append(app.className()).append("Handler).Get(0xc000");
    dice.appendHex(b, 6);
    b.append(", {0xa1b2c0, 0xc000312380}, 0xc000124a00)\n\t/tmp/app/internal/handlers/");
    b.append(app.noun()).append(".go:").append(40 + dice.below(200)).append(" +0x");
    dice.appendHex(b, 3);
    for (String frame : GO_FRAMES) {
      b.append('\n').append(frame);
    }
    b.append(
        "\ncreated by net/http.(*Server).Serve in goroutine 1\n"
            + "\t/usr/local/go/src/net/http/server.go:3285 +0x4b4");
  }

  /** Appends a Python traceback ending in the exception line. */
  void appendPython(StringBuilder b, App app) {
    String module = app.noun().replace('-', '_');
    b.append("Traceback (most recent call last):");
    for (String frame : FLASK_FRAMES) {
      b.append('\n').append(frame);
    }
    b.append("\n  File \"/home/vcap/app/").append(module).append("/views.py\", line ");
    b.append(30 + dice.below(200)).append(", in get_").append(module);
    b.append("\n    return jsonify(service.load(").append(module).append("_id))");
    b.append("\n  File \"/home/vcap/app/").append(module).append("/service.py\", line ");
    b.append(20 + dice.below(100)).append(", in load\n");
    switch (dice.below(3)) {
      case 0 ->
          b.append(
              "    row = self.repo.find(item_id)[\"customer_id\"]\n" + "KeyError: 'customer_id'");
      case 1 ->
          b.append(
              "    return self.session.execute(query).scalar_one()\n"
                  + "sqlalchemy.exc.NoResultFound: No row was found when one was required");
      default ->
          b.append(
                  "    resp = requests.get(url, timeout=5)\n"
                      + "requests.exceptions.ReadTimeout: HTTPConnectionPool(host='")
              .append(app.peer())
              .append(".apps.internal', port=8080): Read timed out. (read timeout=5)");
    }
  }

  /** Appends a Node.js error with its stack and properties, as {@code console.error} prints it. */
  void appendNode(StringBuilder b, int address) {
    b.append("Error: connect ECONNREFUSED ");
    Dice.appendIpv4(b, address);
    b.append(":5432");
    int frames = 2 + dice.below(NODE_FRAMES.length - 1);
    for (int i = 0; i < frames; i++) {
      b.append('\n').append(NODE_FRAMES[i]);
    }
    b.append(" {\n  errno: -111,\n  code: 'ECONNREFUSED',\n  syscall: 'connect',\n  address: '");
    Dice.appendIpv4(b, address);
    b.append("',\n  port: 5432\n}");
  }
}
