package dev.tursosync.examples.todo;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /todos}: list, read, create, update and delete to-dos. Writes go to the local replica at once; the background
 * sync pushes them.
 */
@RestController
@RequestMapping("/todos")
public class TodoController {

    private final TodoRepository todos;

    /**
     * Serves the given repository.
     *
     * @param todos the rows
     */
    public TodoController(TodoRepository todos) {
        this.todos = todos;
    }

    /**
     * Every to-do, oldest first.
     *
     * @return the to-dos
     */
    @GetMapping
    public Flux<Todo> list() {
        return todos.findAllByOrderByIdAsc();
    }

    /**
     * One to-do.
     *
     * @param id the key
     * @return the to-do, or 404
     */
    @GetMapping("/{id}")
    public Mono<Todo> get(@PathVariable long id) {
        return existing(id);
    }

    /**
     * Adds a to-do.
     *
     * @param request the title and state
     * @return 201 with the new to-do and its location, or 400 without a title
     */
    @PostMapping
    public Mono<ResponseEntity<Todo>> create(@RequestBody TodoRequest request) {
        return valid(request)
                .flatMap(ok -> todos.save(new Todo(null, request.title(), request.done())))
                .map(saved -> ResponseEntity.created(URI.create("/todos/" + saved.id())).body(saved));
    }

    /**
     * Replaces the title and state of a to-do.
     *
     * @param id      the key
     * @param request the new title and state
     * @return the updated to-do, 404 if there is none, or 400 without a title
     */
    @PutMapping("/{id}")
    public Mono<Todo> update(@PathVariable long id, @RequestBody TodoRequest request) {
        return valid(request)
                .then(existing(id))
                .flatMap(todo -> todos.save(new Todo(todo.id(), request.title(), request.done())));
    }

    /**
     * Deletes a to-do.
     *
     * @param id the key
     * @return completes with 204, or 404 if there is none
     */
    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public Mono<Void> delete(@PathVariable long id) {
        return existing(id).flatMap(todos::delete);
    }

    private Mono<Todo> existing(long id) {
        return todos.findById(id)
                .switchIfEmpty(Mono.error(() -> new ResponseStatusException(HttpStatus.NOT_FOUND, "no to-do " + id)));
    }

    private static Mono<TodoRequest> valid(TodoRequest request) {
        return request.title() == null || request.title().isBlank()
                ? Mono.error(new ResponseStatusException(HttpStatus.BAD_REQUEST, "a title is required"))
                : Mono.just(request);
    }
}
