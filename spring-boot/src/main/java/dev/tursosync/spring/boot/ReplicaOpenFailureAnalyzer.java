package dev.tursosync.spring.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link ReplicaOpenException} as one line and what to check, instead of a chain of bean creation errors.
 */
public class ReplicaOpenFailureAnalyzer extends AbstractFailureAnalyzer<ReplicaOpenException> {

    /** Creates the analyzer; Boot finds it through {@code META-INF/spring.factories}. */
    public ReplicaOpenFailureAnalyzer() {
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ReplicaOpenException cause) {
        return new FailureAnalysis("tursosync " + cause.getMessage(),
                "Check that the remote in tursosync.url is reachable and that tursosync.auth-token is valid. A replica"
                        + " that exists opens without the remote; a new one is downloaded during startup (at most"
                        + " tursosync.open-timeout).", cause);
    }
}
