package dev.dirtypages.agent.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import jdk.jfr.Configuration;

/** The settings the agent's own recording uses: dirtypages.jfc, shipped in the jar. */
public final class RecordingSettings {
    /** Where the settings file lies among the agent's resources. */
    public static final String RESOURCE = "/dirtypages.jfc";

    private RecordingSettings() {
    }

    public static Configuration dirtypages() {
        try (InputStream in = RecordingSettings.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the agent jar");
            }
            return Configuration.create(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException(RESOURCE + " is not a valid .jfc file: " + e.getMessage(), e);
        }
    }
}
