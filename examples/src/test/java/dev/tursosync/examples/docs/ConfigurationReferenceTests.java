package dev.tursosync.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.AutoSyncOptions;
import dev.tursosync.RetryOptions;
import dev.tursosync.SyncClient;
import dev.tursosync.r2dbc.TursoConnectionConfiguration;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code docs/configuration.md} documents every option of the builders, as {@code `name(}. */
final class ConfigurationReferenceTests {

    private static final Path REFERENCE = Path.of(System.getProperty("tursosync.root", ".."), "docs",
            "configuration.md");

    @ParameterizedTest
    @ValueSource(classes = {SyncClient.Builder.class, RetryOptions.Builder.class, AutoSyncOptions.Builder.class,
            TursoConnectionConfiguration.Builder.class})
    void everyBuilderOptionIsDocumented(Class<?> builder) throws IOException {
        String reference = Files.readString(REFERENCE);
        List<String> options = Arrays.stream(builder.getDeclaredMethods())
                .filter(method -> Modifier.isPublic(method.getModifiers()))
                .map(Method::getName)
                .filter(name -> !name.equals("build"))
                .distinct()
                .toList();

        assertThat(options).as("options of %s", builder.getName()).isNotEmpty();
        assertThat(options).as("options of %s missing from %s", builder.getSimpleName(), REFERENCE)
                .allSatisfy(option -> assertThat(reference).contains("`" + option + "("));
    }
}
