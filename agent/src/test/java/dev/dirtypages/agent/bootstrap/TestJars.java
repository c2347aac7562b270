package dev.dirtypages.agent.bootstrap;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small agent jars made by the unit tests: a hidden class, and resources in several versions. */
final class TestJars {
    static final String HIDDEN = "dev.dirtypages.agent.bootstrap.testdata.Hidden";

    private TestJars() {
    }

    /** The hidden part of a small agent jar, by entry name. */
    static Map<String, byte[]> hiddenPart() throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        String hiddenClass = HIDDEN.replace('.', '/') + ".class";
        try (InputStream in = TestJars.class.getClassLoader().getResourceAsStream(hiddenClass)) {
            entries.put("inst/" + HIDDEN.replace('.', '/') + ".classdata", in.readAllBytes());
        }
        entries.put("inst/settings.txt", bytes("base"));
        entries.put("inst/META-INF/versions/11/settings.txt", bytes("for 11+"));
        entries.put("inst/META-INF/versions/9999/settings.txt", bytes("for a Java from the future"));
        entries.put("inst/only/base.txt", bytes("only base"));
        entries.put("inst/META-INF/versions/9999/future/Only.classdata", bytes("not a class"));
        return entries;
    }

    static Path write(Path jar, Map<String, byte[]> entries) throws IOException {
        try (OutputStream fout = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(fout)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return jar;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
