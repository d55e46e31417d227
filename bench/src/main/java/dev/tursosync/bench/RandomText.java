package dev.tursosync.bench;

/**
 * Deterministic pseudo-random text, the same generator as the JS driver's {@code randomText} (a linear congruential
 * generator over 62 letters and digits), so both clients write comparable rows and runs are repeatable.
 */
final class RandomText {

    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private int seed = 12345;

    /**
     * The next text.
     *
     * @param length how many characters
     * @return the text
     */
    String next(int length) {
        char[] text = new char[length];
        for (int i = 0; i < length; i++) {
            seed = (seed * 1103515245 + 12345) & 0x7fffffff;
            text[i] = ALPHABET.charAt(seed % ALPHABET.length());
        }
        return new String(text);
    }
}
