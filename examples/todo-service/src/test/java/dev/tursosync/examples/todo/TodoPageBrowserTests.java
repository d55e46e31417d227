package dev.tursosync.examples.todo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tursosync.testing.LocalSyncServer;
import dev.tursosync.testing.TursoServerExtension;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The page at {@code /} in real headless Chromium (Debian's {@code chromium} and {@code chromium-driver}; {@code .ci/run}
 * installs them): it lists the to-dos, shows the sync status, and shows a to-do another replica adds without a
 * reload, through the SSE stream. Without Chromium the test is skipped, unless {@code CI=true}: then it fails.
 */
@ExtendWith(TursoServerExtension.class)
final class TodoPageBrowserTests {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path folder;
    private static ConfigurableApplicationContext service;
    private static ChromeDriver browser;
    private static OtherReplica other;
    private static int port;

    @BeforeAll
    static void start(LocalSyncServer server) throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!"true".equals(System.getenv("CI"))) {
            Assumptions.assumeTrue(installed, "chromium and chromium-driver are not installed");
        }
        assertThat(installed).as("chromium and chromium-driver (apt-get install chromium chromium-driver)").isTrue();
        service = new SpringApplicationBuilder(TodoApplication.class).run(
                "--server.address=127.0.0.1", "--server.port=0",
                "--tursosync.url=" + server.url(), "--tursosync.path=" + folder.resolve("service.db"),
                "--tursosync.auto-sync.pull-interval=200ms");
        port = ((WebServerApplicationContext) service).getWebServer().getPort();
        other = OtherReplica.open(server.url(), folder.resolve("other.db"));
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--user-data-dir=" + Files.createDirectories(folder.resolve("chromium-profile")));
        ChromeDriverService driver = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File(folder.resolve("chromedriver.log").toString())).build();
        browser = new ChromeDriver(driver, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (other != null) {
            other.close();
        }
        if (service != null) {
            service.close();
        }
    }

    @Test
    void aTodoAddedByAnotherReplicaAppearsWithoutAReload() {
        WebDriverWait wait = new WebDriverWait(browser, WAIT);
        browser.get("http://127.0.0.1:" + port + "/");
        wait.until(ExpectedConditions.textToBe(By.id("sync"), "UP"));
        wait.until(ExpectedConditions.attributeToBe(By.tagName("body"), "data-live", "true"));   // SSE connected
        ((JavascriptExecutor) browser).executeScript("window.loadedOnce = true;");
        Eventually.eventually(() -> assertThat(other.todosAfterSync()).isNotNull());   // the service pushed its table

        other.addAndSync("added by another replica");

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("todos"), "added by another replica"));
        assertThat(((JavascriptExecutor) browser).executeScript("return window.loadedOnce === true;"))
                .as("the same page, not reloaded").isEqualTo(true);
        assertThat(browser.findElement(By.id("sync-detail")).getText()).contains("last pull");
    }
}
