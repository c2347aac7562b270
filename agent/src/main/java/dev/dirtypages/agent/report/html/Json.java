package dev.dirtypages.agent.report.html;

import java.util.Locale;

/** Writes JSON text for the page's data block: just what the report needs, safe inside a script element. */
final class Json {
    private final StringBuilder out = new StringBuilder(1 << 16);
    private boolean first = true;

    Json begin() {
        comma();
        out.append('{');
        first = true;
        return this;
    }

    Json end() {
        out.append('}');
        first = false;
        return this;
    }

    Json beginArray(String key) {
        key(key);
        out.append('[');
        first = true;
        return this;
    }

    Json beginObject(String key) {
        key(key);
        out.append('{');
        first = true;
        return this;
    }

    Json endArray() {
        out.append(']');
        first = false;
        return this;
    }

    Json field(String key, String value) {
        key(key);
        string(value);
        return this;
    }

    Json field(String key, long value) {
        key(key);
        out.append(value);
        return this;
    }

    Json field(String key, boolean value) {
        key(key);
        out.append(value);
        return this;
    }

    Json value(String value) {
        comma();
        string(value);
        return this;
    }

    Json array(String key, double[] values) {
        beginArray(key);
        for (double v : values) {
            comma();
            number(v);
        }
        return endArray();
    }

    Json array(String key, long[] values) {
        beginArray(key);
        for (long v : values) {
            comma();
            out.append(v);
        }
        return endArray();
    }

    Json array(String key, int[] values) {
        beginArray(key);
        for (int v : values) {
            comma();
            out.append(v);
        }
        return endArray();
    }

    Json array(String key, Iterable<String> values) {
        beginArray(key);
        for (String v : values) {
            value(v);
        }
        return endArray();
    }

    private void number(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            out.append('0');
        } else if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            out.append((long) v);
        } else {
            out.append(String.format(Locale.ROOT, "%.3f", v));
        }
    }

    private void key(String key) {
        comma();
        string(key);
        out.append(':');
    }

    private void comma() {
        if (!first) {
            out.append(',');
        }
        first = false;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"':
                    out.append("\\\"");
                    break;
                case '\\':
                    out.append("\\\\");
                    break;
                case '\n':
                    out.append("\\n");
                    break;
                case '<':
                    // never "</script>" nor "<!--" inside the script element that holds the data
                    out.append("\\u003c");
                    break;
                default:
                    if (c < 0x20 || c == 0x2028 || c == 0x2029) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
