package dev.pgbackfill.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback TCP forwarder. Two uses: giving the in-JVM broker a fixed port (the KRaft test kit binds its listeners
 * itself, on random ports, and ignores a requested one; Kafka clients use it only to bootstrap), and, in tests,
 * standing between clients and a server so that every open connection can be cut at once, as a network failure
 * would. Written here because it is small and a library for it would be larger than the code.
 */
public final class PortForwarder implements AutoCloseable {
    private final ServerSocket server;
    private final String targetHost;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger cut = new AtomicInteger();

    PortForwarder(int port, int targetPort) {
        this(port, "127.0.0.1", targetPort);
    }

    private PortForwarder(int port, String targetHost, int targetPort) {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        try {
            server = new ServerSocket();
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + "); choose another port", e);
        }
        Thread.ofVirtual().name("forward-" + port()).start(this::acceptLoop);
    }

    /** A forwarder on a free loopback port to {@code host:port}. */
    public static PortForwarder to(String host, int port) {
        return new PortForwarder(0, host, port);
    }

    public int port() {
        return server.getLocalPort();
    }

    /** Closes every connection open now (both sides); returns how many client connections were cut. */
    public int cutAll() {
        int sockets = 0;
        for (Socket s : open) {
            if (open.remove(s)) {
                closeQuietly(s);
                sockets++;
            }
        }
        cut.addAndGet(sockets / 2);
        return sockets / 2;
    }

    /** Client connections cut so far. */
    public int cut() {
        return cut.get();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream;
                try {
                    upstream = new Socket(targetHost, targetPort);
                } catch (IOException e) {
                    closeQuietly(client); // the target is down: the client sees a closed connection, not a hang
                    continue;
                }
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
                open.add(client);
                open.add(upstream);
                Thread.ofVirtual().start(() -> pump(client, upstream));
                Thread.ofVirtual().start(() -> pump(upstream, client));
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // either side closed, or the connection was cut
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            open.remove(from);
            open.remove(to);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        cutAll();
    }
}
