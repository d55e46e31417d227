package dev.tursosync.internal.transport;

/**
 * One decoded message of a {@code /pull-updates} reply: first a {@link PullHeader}, then {@link PulledPage}s.
 */
public sealed interface PullFrame permits PullHeader, PulledPage {
}
