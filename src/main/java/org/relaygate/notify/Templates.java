package org.relaygate.notify;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.relaygate.registry.OutboxKind;

/**
 * The templates of every kind that has one: {@code NAME.txt} from {@code mail.templates-dir} when
 * that directory has it, else the default shipped in the jar ({@code /templates/NAME.txt}). Loaded
 * and checked once when {@code serve} starts (blocking file I/O: call off the event loop), so a
 * broken template stops the start instead of a notice. Edits need a restart.
 */
public final class Templates {

    static final String RESOURCE_DIR = "/templates/";

    private final Map<OutboxKind, Template> byKind;

    private Templates(Map<OutboxKind, Template> byKind) {
        this.byKind = byKind;
    }

    /** {@code dir} empty or null: only the shipped templates. */
    public static Templates load(String dir) throws IOException {
        Path directory = dir == null || dir.isBlank() ? null : Path.of(dir);
        if (directory != null && !Files.isDirectory(directory)) {
            throw new IOException("mail.templates-dir " + dir + ": no such directory");
        }
        Map<OutboxKind, Template> byKind = new EnumMap<>(OutboxKind.class);
        for (OutboxKind kind : OutboxKind.values()) {
            if (kind.template() != null) {
                byKind.put(kind, load(directory, kind.template() + ".txt"));
            }
        }
        return new Templates(byKind);
    }

    private static Template load(Path directory, String file) throws IOException {
        Path own = directory == null ? null : directory.resolve(file);
        if (own != null && Files.isRegularFile(own)) {
            return parse(own.toString(), Files.readAllBytes(own));
        }
        try (InputStream in = Templates.class.getResourceAsStream(RESOURCE_DIR + file)) {
            if (in == null) {
                throw new IOException("template " + file + " is missing from the jar");
            }
            return parse("templates/" + file + " (shipped)", in.readAllBytes());
        }
    }

    private static Template parse(String name, byte[] bytes) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(name + ": not UTF-8 text");
        }
        try {
            return Template.parse(name, text);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage());
        }
    }

    /** The template of {@code kind}; null for NOTICE, which has none. */
    public Template get(OutboxKind kind) {
        return byKind.get(kind);
    }
}
