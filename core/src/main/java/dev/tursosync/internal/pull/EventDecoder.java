package dev.tursosync.internal.pull;

import dev.tursosync.ChangeEvent;
import dev.tursosync.internal.sqlite.PageNumberSet;
import dev.tursosync.internal.sqlite.PageSource;
import java.util.List;

/**
 * Turns a pull's pages into its change events ({@code ChangeEventDecoder::decode} in the client): CPU work that
 * {@link PullApplier} runs on other threads than the apply's while the apply writes.
 */
@FunctionalInterface
public interface EventDecoder {

    /**
     * Decodes the events of a pull.
     *
     * @param before  the pages before the pull ({@code null} for pages that did not exist)
     * @param after   the pages after the pull
     * @param changed the page numbers the pull changed
     * @return the events
     */
    List<ChangeEvent> decode(PageSource before, PageSource after, PageNumberSet changed);
}
