package dev.tursosync.examples.todo;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;
import reactor.core.publisher.Flux;

/** The to-do rows, through Spring Data R2DBC on the replica. */
// tag::todo-repository[]
public interface TodoRepository extends ReactiveCrudRepository<Todo, Long> {

    /**
     * Every to-do, oldest first.
     *
     * @return the rows in key order
     */
    Flux<Todo> findAllByOrderByIdAsc();
}
// end::todo-repository[]
