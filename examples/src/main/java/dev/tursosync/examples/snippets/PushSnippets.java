package dev.tursosync.examples.snippets;

import dev.tursosync.ChangeOperation;
import dev.tursosync.Mutation;
import dev.tursosync.MutationResult;
import dev.tursosync.PushResult;
import dev.tursosync.SyncClient;
import dev.tursosync.SyncResult;
import java.nio.file.Path;
import java.util.function.Function;

/** The code of {@code docs/push.md}. */
final class PushSnippets {

    private PushSnippets() {
    }

    static void push() {
        // tag::push-overview[]
        SyncClient client = SyncClient.builder()
                .path(Path.of("app.db"))
                .url("http://127.0.0.1:8080")
                .pushBatchSize(1000)                         // changes per remote transaction (default 1000)
                .transform(mutation -> MutationResult.keep())
                .build();
        client.open().block();
        // ... local writes through the client's connections (the R2DBC facade) ...
        PushResult pushed = client.push().block();   // changesPushed, batches, bytesSent, remoteTime
        SyncResult synced = client.sync().block();   // push, then pull (events also on client.changes())
        long pending = client.stats().block().pendingChanges();
        // end::push-overview[]
    }

    static Function<Mutation, MutationResult> transform() {
        // tag::push-transform[]
        Function<Mutation, MutationResult> hook = mutation -> {
            if (mutation.table().equals("invoice") && mutation.operation() == ChangeOperation.DELETE) {
                return MutationResult.skip();   // never deleted remotely: the next pull brings the row back
            }
            if (mutation.table().equals("tag") && mutation.operation() == ChangeOperation.INSERT) {
                // a tag of that name may exist remotely already: then keep it; the next pull brings its id
                return MutationResult.rewrite("INSERT INTO tag (name) VALUES (?) ON CONFLICT (name) DO NOTHING",
                        mutation.after().get("name"));
            }
            return MutationResult.keep();
        };
        SyncClient client = SyncClient.builder()
                .path(Path.of("app.db"))
                .url("http://127.0.0.1:8080")
                .transform(hook)
                .build();
        // end::push-transform[]
        return hook;
    }
}
