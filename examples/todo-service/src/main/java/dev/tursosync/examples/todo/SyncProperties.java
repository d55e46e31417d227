package dev.tursosync.examples.todo;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code todo.sync.*} settings.
 *
 * @param path       the local replica's file
 * @param url        the remote database, {@code http(s)://} or {@code libsql://}
 * @param authToken  the remote's auth token; blank for none
 * @param clientName the prefix of this replica's client id on the remote
 * @param interval   the shortest time between the starts of two background pulls
 * @param pushDebounce how long after the last local commit of a burst the background push starts
 */
@ConfigurationProperties("todo.sync")
public record SyncProperties(Path path, String url, String authToken,
                             @DefaultValue("todo-service") String clientName,
                             @DefaultValue("5s") Duration interval,
                             @DefaultValue("250ms") Duration pushDebounce) {
}
