package dev.tursosync.internal.transport;

import java.util.Objects;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Supplies the bearer token for each request, so tokens can be refreshed between requests.
 */
@FunctionalInterface
public interface AuthTokenSource {

    /**
     * The token for the next request.
     *
     * @return the token, or empty to send no {@code Authorization} header
     */
    Mono<Secret> token();

    /**
     * Whether asking again can give a different token: then a request refused with 401 is sent once more with a
     * fresh token.
     *
     * @return {@code true} for a refreshing source
     */
    default boolean refreshable() {
        return false;
    }

    /**
     * No token.
     *
     * @return a source that never sends a token
     */
    static AuthTokenSource none() {
        return Mono::empty;
    }

    /**
     * A fixed token.
     *
     * @param token the token
     * @return a source that always sends it
     */
    static AuthTokenSource of(String token) {
        Mono<Secret> secret = Mono.just(Secret.of(token));
        return () -> secret;
    }

    /**
     * A token that does not change, obtained from a supplier per request (a 401 is not retried).
     *
     * @param supplier yields the token
     * @return the source
     */
    static AuthTokenSource fixed(Supplier<Mono<String>> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return () -> Mono.defer(supplier).map(Secret::of);
    }

    /**
     * A token computed per request, for example by a refreshing identity provider; a request refused with 401 is
     * sent once more with a token asked for anew.
     *
     * @param supplier called once per request; its {@code Mono} yields the token
     * @return the source
     */
    static AuthTokenSource from(Supplier<Mono<String>> supplier) {
        Objects.requireNonNull(supplier, "supplier");
        return new AuthTokenSource() {
            @Override
            public Mono<Secret> token() {
                return Mono.defer(supplier).map(Secret::of);
            }

            @Override
            public boolean refreshable() {
                return true;
            }
        };
    }
}
