package dev.tursosync.r2dbc.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * The results of one connection that have not ended yet, so that closing the connection can abandon them. Every
 * statement adds and removes one, so the set is a list linked through the results themselves: adding and removing
 * allocate nothing and take one uncontended monitor (a concurrent set allocated a node and hashed each result).
 */
final class OpenResults {

    private CursorResult first;

    synchronized void add(CursorResult result) {
        result.nextOpen = first;
        result.previousOpen = null;
        if (first != null) {
            first.previousOpen = result;
        }
        first = result;
    }

    /** Removes a result; one not in the list (already removed) is left alone. */
    synchronized void remove(CursorResult result) {
        if (result.previousOpen == null && first != result) {
            return;
        }
        if (result.previousOpen != null) {
            result.previousOpen.nextOpen = result.nextOpen;
        } else {
            first = result.nextOpen;
        }
        if (result.nextOpen != null) {
            result.nextOpen.previousOpen = result.previousOpen;
        }
        result.previousOpen = null;
        result.nextOpen = null;
    }

    /**
     * The results open now.
     *
     * @return a copy, oldest last
     */
    synchronized List<CursorResult> snapshot() {
        List<CursorResult> open = new ArrayList<>();
        for (CursorResult result = first; result != null; result = result.nextOpen) {
            open.add(result);
        }
        return open;
    }
}
