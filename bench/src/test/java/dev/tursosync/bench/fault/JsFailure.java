package dev.tursosync.bench.fault;

/** A request the JS driver answered with an error (the JS client threw). */
final class JsFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the failure.
     *
     * @param op    the request's operation
     * @param error the driver's error text (the JS stack)
     */
    JsFailure(String op, String error) {
        super("JS " + op + " failed: " + error);
    }

    /**
     * The first line of the error with numbers masked, short enough to count alike errors together.
     *
     * @return for example {@code pull: Error: fetch error: TypeError: fetch failed}
     */
    String summary() {
        String message = getMessage().substring(3);
        int newline = message.indexOf('\n');
        String first = (newline < 0 ? message : message.substring(0, newline)).replace(" failed: ", ": ")
                .replaceAll("[0-9]+", "#");
        return first.length() > 140 ? first.substring(0, 140) + "..." : first;
    }
}
