package dev.tursosync.examples.starter;

import org.springframework.data.repository.reactive.ReactiveCrudRepository;

/** Spring Data's repository of greetings, on the starter's connection factory. */
public interface GreetingRepository extends ReactiveCrudRepository<Greeting, Long> {
}
