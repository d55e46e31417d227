package dev.tursosync.spring.boot.app;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/** Plain Spring Data over the replica. */
public interface NoteRepository extends ReactiveCrudRepository<Note, Long> {
}
