package org.relaygate.importing;

/** A refusal of one line of an import file: its message names the line ("line 12: ..."). */
public final class ImportLineException extends IllegalArgumentException {

    private final int line;

    public ImportLineException(int line, String problem) {
        super("line " + line + ": " + problem);
        this.line = line;
    }

    public int line() {
        return line;
    }
}
