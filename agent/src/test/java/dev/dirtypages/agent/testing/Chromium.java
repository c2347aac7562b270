package dev.dirtypages.agent.testing;

import java.nio.file.FileVisitResult;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.stream.Collectors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Headless Chromium from the distribution's package, driven over the DevTools protocol with the JDK's own
 * WebSocket client (no driver, no library): open a page, evaluate script in it, move the mouse, take a
 * screenshot, and collect what the page reported as errors (uncaught exceptions, console errors, log errors).
 */
public final class Chromium implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<Map<String, Object>>> pending = new ConcurrentHashMap<>();
    private final List<String> errors = new CopyOnWriteArrayList<>();
    private final List<CompletableFuture<Void>> loadWaiters = new CopyOnWriteArrayList<>();
    private final String session;

    /** Whether the distribution's Chromium is installed (.ci/run installs it). */
    public static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /** Starts a fresh headless Chromium (a new profile; no network features) with one blank page. */
    public static Chromium start(int width, int height) throws IOException, InterruptedException {
        return new Chromium(width, height);
    }

    private Chromium(int width, int height) throws IOException, InterruptedException {
        profile = Files.createTempDirectory("dirtypages-chromium");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-extensions", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "about:blank")
                .redirectErrorStream(true).start();
        URI uri = devToolsAddress();
        socket = join(HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(uri, new Listener()),
                "the DevTools connection");
        String target = (String) browser("Target.createTarget", "{\"url\":\"about:blank\"}").get("targetId");
        session = (String) browser("Target.attachToTarget",
                "{\"targetId\":\"" + target + "\",\"flatten\":true}").get("sessionId");
        send("Runtime.enable", "{}");
        send("Log.enable", "{}");
        send("Page.enable", "{}");
        send("Emulation.setDeviceMetricsOverride",
                "{\"width\":" + width + ",\"height\":" + height + ",\"deviceScaleFactor\":1,\"mobile\":false}");
    }

    /**
     * Reads Chromium's output up to the line that gives its DevTools address; a thread of its own then drains
     * the rest (kept for failure messages). Chromium's output ends if it exits, so this cannot hang on a dead one.
     */
    private URI devToolsAddress() throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            int at = line.indexOf("DevTools listening on ");
            if (at >= 0) {
                Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "chromium-output");
                drain.setDaemon(true);
                drain.start();
                return URI.create(line.substring(at + "DevTools listening on ".length()).trim());
            }
            seen.append(line).append('\n');
        }
        throw new IOException("Chromium exited before it listened for DevTools: " + seen);
    }

    /** Opens {@code page} and waits for its load event. */
    public void open(Path page) throws IOException {
        CompletableFuture<Void> loaded = new CompletableFuture<>();
        loadWaiters.add(loaded);
        send("Page.navigate", "{\"url\":" + Json.quote(page.toUri().toString()) + "}");
        join(loaded, "the load of " + page);
    }

    /** Evaluates {@code expression} in the page (awaiting it if it is a promise) and returns its JSON value. */
    public Object evaluate(String expression) throws IOException {
        Map<String, Object> reply = send("Runtime.evaluate", "{\"expression\":" + Json.quote(expression)
                + ",\"awaitPromise\":true,\"returnByValue\":true}");
        if (reply.containsKey("exceptionDetails")) {
            throw new IOException("script failed: " + expression + ": " + reply.get("exceptionDetails"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) reply.get("result");
        return result.get("value");
    }

    /** Moves the mouse to page coordinates (CSS pixels), as a user's pointer does. */
    public void mouseMove(double x, double y) throws IOException {
        send("Input.dispatchMouseEvent", "{\"type\":\"mouseMoved\",\"x\":" + x + ",\"y\":" + y + "}");
    }

    /** Drags the mouse with its left button held, from one point to another, as a user selects a range. */
    public void drag(double x0, double y0, double x1, double y1) throws IOException {
        send("Input.dispatchMouseEvent", "{\"type\":\"mousePressed\",\"button\":\"left\",\"clickCount\":1,\"x\":"
                + x0 + ",\"y\":" + y0 + "}");
        for (int i = 1; i <= 4; i++) {
            mouseMove(x0 + (x1 - x0) * i / 4, y0 + (y1 - y0) * i / 4);
        }
        send("Input.dispatchMouseEvent", "{\"type\":\"mouseReleased\",\"button\":\"left\",\"clickCount\":1,\"x\":"
                + x1 + ",\"y\":" + y1 + "}");
    }

    /** Saves a PNG of the whole page (beyond the window's height too). */
    public void screenshot(Path png) throws IOException {
        Map<String, Object> reply = send("Page.captureScreenshot",
                "{\"format\":\"png\",\"captureBeyondViewport\":true}");
        Files.createDirectories(png.toAbsolutePath().getParent());
        Files.write(png, Base64.getDecoder().decode((String) reply.get("data")));
    }

    /** What the page reported as errors so far: uncaught exceptions, console.error and log entries of level error. */
    public List<String> errors() {
        return new ArrayList<>(errors);
    }

    private Map<String, Object> send(String method, String params) throws IOException {
        return command(method, params, session);
    }

    private Map<String, Object> browser(String method, String params) throws IOException {
        return command(method, params, null);
    }

    private Map<String, Object> command(String method, String params, String sessionId) throws IOException {
        long id = ids.incrementAndGet();
        CompletableFuture<Map<String, Object>> reply = new CompletableFuture<>();
        pending.put(id, reply);
        socket.sendText("{\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + params
                + (sessionId == null ? "" : ",\"sessionId\":\"" + sessionId + "\"") + "}", true);
        Map<String, Object> message = join(reply, method);
        if (message.containsKey("error")) {
            throw new IOException(method + " failed: " + message.get("error"));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) message.get("result");
        return result;
    }

    private static <T> T join(CompletableFuture<T> future, String what) throws IOException {
        try {
            return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IOException("Chromium did not answer " + what + ": " + e, e);
        }
    }

    @SuppressWarnings("unchecked")
    private void receive(String text) {
        Map<String, Object> message = (Map<String, Object>) Json.parse(text);
        Object id = message.get("id");
        if (id != null) {
            CompletableFuture<Map<String, Object>> reply = pending.remove(((Number) id).longValue());
            if (reply != null) {
                reply.complete(message);
            }
            return;
        }
        String method = String.valueOf(message.get("method"));
        Map<String, Object> params = (Map<String, Object>) message.getOrDefault("params", Map.of());
        switch (method) {
            case "Page.loadEventFired":
                loadWaiters.forEach(f -> f.complete(null));
                loadWaiters.clear();
                break;
            case "Runtime.exceptionThrown":
                errors.add("exception: " + params.get("exceptionDetails"));
                break;
            case "Runtime.consoleAPICalled":
                if ("error".equals(params.get("type")) || "assert".equals(params.get("type"))) {
                    errors.add("console." + params.get("type") + ": " + params.get("args"));
                }
                break;
            case "Log.entryAdded": {
                Map<String, Object> entry = (Map<String, Object>) params.get("entry");
                if (entry != null && "error".equals(entry.get("level"))) {
                    errors.add("log: " + entry.get("text") + " " + entry.getOrDefault("url", ""));
                }
                break;
            }
            default:
                break;
        }
    }

    /** Assembles the socket's text frames into messages. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                receive(text);
            }
            webSocket.request(1);
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            // the browser is about to be killed anyway
        }
        // Chromium's helper processes (renderer, GPU, network) outlive its main process unless ended too, and
        // would go on writing into the profile while it is removed.
        List<ProcessHandle> helpers = process.descendants().collect(Collectors.toList());
        process.destroy();
        helpers.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ProcessHandle helper : helpers) {
            helper.onExit().completeOnTimeout(helper, 10, TimeUnit.SECONDS).join();
        }
        Files.walkFileTree(profile, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                file.toFile().delete();
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                return FileVisitResult.CONTINUE;   // a file gone by itself meanwhile
            }

            @Override
            public FileVisitResult postVisitDirectory(Path directory, IOException e) {
                directory.toFile().delete();
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
