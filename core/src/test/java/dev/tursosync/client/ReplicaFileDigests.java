package dev.tursosync.client;

import dev.tursosync.internal.io.ReplicaFiles;
import dev.tursosync.internal.rebase.RevertStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** A SHA-256 of each file a replica's state is made of, to show that an operation changed none of them. */
final class ReplicaFileDigests {

    private ReplicaFileDigests() {
    }

    /**
     * The digests of the database, its WAL, metadata, rebase journal and revert stores that exist as files.
     *
     * @param db the database file
     * @return file name to digest
     */
    static Map<String, String> of(Path db) throws IOException {
        Map<String, String> digests = new TreeMap<>();
        for (Path file : List.of(db, ReplicaFiles.wal(db), ReplicaFiles.metadata(db), ReplicaFiles.rebaseJournal(db),
                RevertStore.fileOf(db), ReplicaFiles.nextRevertStore(db))) {
            if (Files.isRegularFile(file)) {
                digests.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return digests;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
