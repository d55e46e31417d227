package dev.tursosync.internal.meta;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.tursosync.SyncMetadataException;
import dev.tursosync.internal.io.AtomicFile;
import dev.tursosync.internal.io.ReplicaFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads and writes {@code <db>-info}. Writes are atomic and durable: a temporary file is written and forced, renamed
 * over the old one, and the folder is forced, so a crash leaves the old or the new metadata, never a mix.
 */
public final class MetadataStore {

    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path file;

    /**
     * Creates a store for a database.
     *
     * @param database the database file
     */
    public MetadataStore(Path database) {
        this.file = ReplicaFiles.metadata(database);
    }

    /**
     * The metadata file.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * Reads the metadata.
     *
     * @return the metadata, or empty if the file does not exist
     * @throws SyncMetadataException if the file exists but is not valid metadata
     */
    public Optional<SyncMetadata> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SyncMetadataException("cannot read the sync metadata " + file, e);
        }
        SyncMetadata metadata;
        try {
            metadata = JSON.readValue(bytes, SyncMetadata.class);
        } catch (JsonProcessingException | IllegalArgumentException | NullPointerException e) {
            throw new SyncMetadataException("the sync metadata " + file + " is corrupt", e);
        } catch (IOException e) {
            throw new SyncMetadataException("cannot read the sync metadata " + file, e);
        }
        if (metadata == null || metadata.version() != SyncMetadata.CURRENT_VERSION
                || metadata.clientId() == null || metadata.clientId().isBlank()) {
            throw new SyncMetadataException("the sync metadata " + file + " is not version "
                    + SyncMetadata.CURRENT_VERSION + " metadata of this client", null);
        }
        return Optional.of(metadata);
    }

    /**
     * Replaces the metadata atomically and durably.
     *
     * @param metadata the new metadata
     */
    public void write(SyncMetadata metadata) {
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(metadata));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the sync metadata " + file, e);
        }
    }
}
