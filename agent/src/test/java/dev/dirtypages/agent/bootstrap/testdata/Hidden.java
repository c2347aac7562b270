package dev.dirtypages.agent.bootstrap.testdata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Packed by {@code IsolatedWorldTest} into a synthetic agent jar's hidden part; never used directly. */
public final class Hidden {
    private Hidden() {
    }

    /** A resource of the hidden part, read as a class of a named module reads it. */
    public static String resource(String name) throws IOException {
        try (InputStream in = Hidden.class.getResourceAsStream(name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
