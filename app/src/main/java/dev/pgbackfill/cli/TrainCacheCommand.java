package dev.pgbackfill.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * Runs the client commands once each against a stub coordinator in this process, printing nothing.
 *
 * <p>Why: a client command is a short-lived JVM whose time goes to loading and linking classes. The launcher
 * records a class cache (JDK 25's {@code -XX:AOTCacheOutput}, or AppCDS's {@code -XX:ArchiveClassesAtExit} on
 * 21–24) during this command, so that later commands map those classes instead of loading them; the Dockerfile
 * does the same when it builds the image. Which commands run is {@link #TRAINED}.
 */
@Command(name = "train-cache", hidden = true,
        description = "Run each client command against an in-process stub coordinator (for the JVM's class cache).")
public final class TrainCacheCommand implements Callable<Integer> {
    static final List<List<String>> TRAINED = List.of(
            List.of("--help"), List.of("--version"),
            List.of("status", "1"), List.of("status", "1", "--json"), List.of("status"),
            List.of("pause", "1"), List.of("resume", "1"), List.of("cancel", "1"),
            List.of("throttle", "1", "--rate", "1000"),
            List.of("launch", "--table", "t", "--set", "n = 1"),
            List.of("migrate", "check", "--examples"), List.of("migrate", "sql", "--examples", "heads"), List.of("migrate", "heads", "--examples"));

    private static final java.util.Set<String> API_COMMANDS = java.util.Set.of("status", "pause", "resume", "cancel", "throttle", "launch");

    @Override
    public Integer call() throws IOException {
        byte[] status = status();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stub.createContext("/api/jobs", exchange -> answer(exchange, exchange.getRequestURI().getPath().equals("/api/jobs")
                && exchange.getRequestMethod().equals("GET") ? ("[" + new String(status, StandardCharsets.UTF_8) + "]").getBytes(StandardCharsets.UTF_8) : status));
        stub.start();
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        String url = "http://127.0.0.1:" + stub.getAddress().getPort();
        List<String> failed = new java.util.ArrayList<>();
        try {
            System.setOut(quiet);
            System.setErr(quiet);
            for (List<String> command : TRAINED) {
                List<String> args = new java.util.ArrayList<>(command);
                if (API_COMMANDS.contains(command.get(0))) {
                    args.addAll(List.of("--url", url, "--token", "train"));
                }
                int exit = Main.execute(args.toArray(String[]::new));
                if (exit != 0) {
                    failed.add(String.join(" ", command) + " (exit " + exit + ")");
                }
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
            stub.stop(0);
        }
        // a failure only leaves some classes out of the cache: say so, as a test would
        failed.forEach(f -> System.err.println("pgbackfill train-cache: " + f));
        return failed.isEmpty() ? 0 : 1;
    }

    private static byte[] status() throws IOException {
        try (InputStream in = TrainCacheCommand.class.getResourceAsStream("train-status.json")) {
            return in.readAllBytes();
        }
    }

    private static void answer(HttpExchange exchange, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
