package dev.pgbackfill.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.pgbackfill.chunk.ChunkTopic;
import dev.pgbackfill.coordinator.api.ApiTokens;
import dev.pgbackfill.coordinator.api.CoordinatorApplication;
import dev.pgbackfill.coordinator.api.MigrationCatalog;
import dev.pgbackfill.coordinator.control.Coordinator;
import dev.pgbackfill.coordinator.control.CoordinatorSettings;
import dev.pgbackfill.coordinator.publish.ChunkPublisher;
import dev.pgbackfill.db.ControlSchema;
import dev.pgbackfill.db.Database;
import dev.pgbackfill.db.DbConfig;
import dev.pgbackfill.job.Json;
import dev.pgbackfill.migrate.Phase;
import dev.pgbackfill.migrate.examples.Examples;
import dev.pgbackfill.migrate.revision.RevisionGraph;
import dev.pgbackfill.migrate.run.MigrateSettings;
import dev.pgbackfill.migrate.run.Migrator;
import dev.pgbackfill.spec.BackfillSpec;
import dev.pgbackfill.testkit.TestDatabase;
import dev.pgbackfill.testkit.TestKafka;
import dev.pgbackfill.throttle.ThrottleSettings;
import dev.pgbackfill.worker.Worker;
import dev.pgbackfill.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The dashboard in a real headless Chromium (Debian's chromium + chromium-driver): a coordinator with a running,
 * throttled job and a worker; the page shows progress moving, and its pause button really pauses the job.
 * Skips, saying why, only where no Chromium is installed (CI installs it: .ci/run).
 */
class DashboardBrowserTest {
    static final String OPERATOR = "operator-token-for-browser-test-0123456789";
    static final String VIEWER = "viewer-token-for-browser-test-0123456789";
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();
    static HikariDataSource dataSource;
    static ChunkPublisher publisher;
    static Coordinator coordinator;
    static Worker worker;
    static ConfigurableApplicationContext web;
    static String base;
    WebDriver browser;

    static String executable(String env, String... candidates) {
        String given = System.getenv(env);
        if (given != null && new File(given).canExecute()) {
            return given;
        }
        for (String c : candidates) {
            if (new File(c).canExecute()) {
                return c;
            }
        }
        return null;
    }

    static final String CHROMIUM = executable("PGBACKFILL_CHROMIUM", "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
    static final String DRIVER = executable("PGBACKFILL_CHROMEDRIVER", "/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver");

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(CHROMIUM != null && DRIVER != null,
                "no Chromium here: install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver), "
                        + "or set PGBACKFILL_CHROMIUM and PGBACKFILL_CHROMEDRIVER");
        db.exec("CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL, email_lower text); "
                + "INSERT INTO accounts SELECT g, 'User' || g || '@Example.com' FROM generate_series(1, 200000) g; ANALYZE accounts");
        dataSource = Database.open(DbConfig.of(db.url(), null, null), 8, "browser-test");
        ControlSchema.install(dataSource);
        // the example migrations, applied up to 004, so the migrations page has applied and pending revisions
        db.exec("CREATE SCHEMA ex");
        RevisionGraph examples = RevisionGraph.of(Examples.revisions());
        ChunkTopic topic = new ChunkTopic(TestKafka.bootstrap(), TestKafka.unique("browser"), 2, TestKafka.unique("g"));
        topic.ensureExists();
        publisher = new ChunkPublisher(topic);
        coordinator = new Coordinator(dataSource, publisher, CoordinatorSettings.defaults());
        coordinator.start();
        worker = new Worker(dataSource, topic, WorkerSettings.defaults(2), new SimpleMeterRegistry()).start();
        try (HikariDataSource exDs = Database.open(DbConfig.of(db.url() + (db.url().contains("?") ? "&" : "?") + "currentSchema=ex", null, null), 2, "ex")) {
            new Migrator(exDs, examples, MigrateSettings.defaults().withScope("examples"), null, line -> { })
                    .up("004", Phase.CONTRACT, false);
        }
        web = CoordinatorApplication.start(coordinator, new ApiTokens(List.of(OPERATOR), List.of(VIEWER)), 0, Map.of(),
                new MigrationCatalog(dataSource, examples, "examples"));
        base = "http://127.0.0.1:" + web.getEnvironment().getProperty("local.server.port");
    }

    @AfterAll
    static void stop() {
        if (web != null) {
            web.close();
            worker.close();
            coordinator.close();
            publisher.close();
            dataSource.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage",
                "--window-size=1280,1000"); // containers often have a tiny /dev/shm
        browser = new ChromeDriver(new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER)).build(), options);
    }

    @AfterEach
    void closeBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    long launchThrottledJob(double rate) {
        ThrottleSettings throttle = Json.read("{\"rate\":" + rate + "}", ThrottleSettings.class);
        return coordinator.launch(BackfillSpec.on("accounts").set("email_lower = lower(email)").batchSize(500).chunkSize(10_000L).throttle(throttle).build(),
                "browser-test");
    }

    WebDriverWait waiting(int seconds) {
        // the page redraws every 2 s, so an element found a moment ago may be gone: look again
        return (WebDriverWait) new WebDriverWait(browser, Duration.ofSeconds(seconds), Duration.ofMillis(200))
                .ignoring(StaleElementReferenceException.class);
    }

    String text(String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    static long rows(String shown) {
        return Long.parseLong(shown.replace(",", ""));
    }

    void screenshot(String name) throws Exception {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void anOperatorWatchesProgressMoveAndPausesTheJobFromItsPage() throws Exception {
        long job = launchThrottledJob(4_000);
        browser.get(base + "/#token=" + OPERATOR);

        WebElement link = waiting(30).until(d -> d.findElement(By.cssSelector("#jobs tr[data-job='" + job + "'] a")));
        assertThat(browser.getCurrentUrl()).doesNotContain(OPERATOR); // the token left the address bar
        link.click();
        waiting(30).until(d -> d.findElement(By.id("job-state")).getText().equals("RUNNING") && rows(d.findElement(By.id("job-rows")).getText()) > 0);
        long first = rows(text("#job-rows"));
        waiting(30).until(d -> rows(d.findElement(By.id("job-rows")).getText()) > first); // live, without a reload
        waiting(30).until(d -> !d.findElements(By.cssSelector("#chunk-map .chunk[data-state='DONE']")).isEmpty()
                && d.findElement(By.id("rate-chart")).getAttribute("data-points") != null);
        assertThat(browser.findElements(By.cssSelector("#chunk-map .chunk"))).hasSize((int) db.queryLong("SELECT count(*) FROM pgbackfill.chunk WHERE job_id = " + job));
        screenshot("dashboard-job.png");

        browser.findElement(By.cssSelector("#job-actions button[data-action='pause']")).click();

        waiting(15).until(d -> d.findElement(By.id("job-state")).getText().equals("PAUSED"));
        assertThat(db.queryString("SELECT state FROM pgbackfill.job WHERE id = " + job)).isEqualTo("PAUSED");
        assertThat(db.queryString("SELECT actor || ': ' || reason FROM pgbackfill.job_event WHERE job_id = " + job + " AND to_state = 'PAUSED'"))
                .isEqualTo("api:operator: from the dashboard");
        Thread.sleep(1_500); // the last batch in flight commits; then nothing more may change
        long paused = db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS NOT NULL");
        Thread.sleep(2_000);
        assertThat(db.queryLong("SELECT count(*) FROM accounts WHERE email_lower IS NOT NULL")).isEqualTo(paused);
        assertThat(paused).isLessThan(200_000);
        waiting(10).until(d -> !d.findElements(By.cssSelector("#job-actions button[data-action='resume']")).isEmpty());
        screenshot("dashboard-paused.png");
        coordinator.cancel(job, "browser-test", "done with this job");
    }

    @Test
    void anOperatorChangesTheRateWithTheThrottleForm() {
        long job = launchThrottledJob(1_000);
        browser.get(base + "/#token=" + OPERATOR);
        browser.navigate().to(base + "/#/jobs/" + job);
        WebElement rate = waiting(30).until(d -> d.findElement(By.cssSelector("#throttle-form input[name='rate']")));

        rate.clear();
        rate.sendKeys("2500");
        browser.findElement(By.cssSelector("#throttle-form button[type='submit']")).click();

        waiting(10).until(d -> d.findElement(By.id("throttle-status")).getText().equals("saved: rate 2500 rows/s"));
        assertThat(coordinator.jobs().throttle(job).rate()).isEqualTo(2500.0);
        assertThat(db.queryString("SELECT actor FROM pgbackfill.job_event WHERE job_id = " + job + " AND kind = 'throttle' ORDER BY id DESC LIMIT 1"))
                .isEqualTo("api:operator");
        coordinator.cancel(job, "browser-test", "done with this job");
    }

    @Test
    void aViewerSeesTheJobsButNoControls() throws Exception {
        long job = launchThrottledJob(1_000);
        browser.get(base + "/#token=" + VIEWER);

        waiting(30).until(d -> d.findElement(By.cssSelector("#jobs tr[data-job='" + job + "']")));
        assertThat(text("#who")).isEqualTo("viewer (read only)");
        assertThat(browser.findElements(By.cssSelector("#jobs button"))).isEmpty();
        browser.findElement(By.cssSelector("#jobs tr[data-job='" + job + "'] a")).click();
        waiting(30).until(d -> d.findElement(By.id("job-state")).getText().equals("RUNNING"));
        assertThat(browser.findElements(By.cssSelector("#job-actions button"))).isEmpty();
        assertThat(browser.findElements(By.id("throttle-form"))).isEmpty();
        coordinator.cancel(job, "browser-test", "done with this job");
    }

    @Test
    void theMigrationsPageShowsEachRevisionsStateAndPhases() throws Exception {
        browser.get(base + "/#token=" + VIEWER);
        browser.navigate().to(base + "/#/migrations");

        waiting(30).until(d -> d.findElements(By.cssSelector("#migrations tr[data-revision]")).size() == 9);
        assertThat(text("#mig-current")).isEqualTo("004");
        assertThat(text("#mig-pending")).isEqualTo("5");
        assertThat(text("#migrations tr[data-revision='003'] td.state")).isEqualTo("applied");
        assertThat(text("#migrations tr[data-revision='005'] td.state")).isEqualTo("pending");
        assertThat(browser.findElements(By.cssSelector("#migrations tr[data-revision='005'] .phase"))).extracting(WebElement::getText)
                .containsExactly("expand", "backfill", "contract");
        screenshot("dashboard-migrations.png");
    }

    @Test
    void aDeepLinkWithTheTokenOpensTheJobPageAndShowsItsSpecAndTimesWithTheirZone() {
        long job = launchThrottledJob(1_000);
        browser.get(base + "/#/jobs/" + job + "?token=" + VIEWER);

        waiting(30).until(d -> d.findElement(By.id("job-state")).getText().equals("RUNNING"));
        assertThat(browser.getCurrentUrl()).endsWith("/#/jobs/" + job).doesNotContain(VIEWER);
        assertThat(text("#job-spec dd[data-field='set']")).isEqualTo("email_lower = lower(email)");
        assertThat(text("#job-spec dd[data-field='key']")).isEqualTo("id");
        assertThat(text("#job-spec dd[data-field='batch / chunk']")).isEqualTo("500 rows / 10000 rows");
        assertThat(text("#job-spec dd[data-field='triggers']")).isEqualTo("no trigger fires for backfilled rows");
        assertThat(text("#job-started")).matches(".*\\d{1,2}:\\d{2}:\\d{2}.*(UTC|GMT|[A-Z]{3,4}).*");
        assertThat(text("#job-finished")).isEqualTo("–");
        coordinator.cancel(job, "browser-test", "done with this job");
        waiting(10).until(d -> d.findElement(By.id("job-state")).getText().equals("CANCELLED"));
        assertThat(text("#job-finished")).isNotEqualTo("–");
        assertThat(text("#job-reason")).as("no throttle reason on a finished job").isEmpty();
    }

    @Test
    void aFailedJobShowsItsErrorInItsOwnPlaceNotUnderTheThrottle() throws Exception {
        db.exec("CREATE TABLE IF NOT EXISTS broken (id bigint PRIMARY KEY, a int NOT NULL, b int); "
                + "INSERT INTO broken SELECT g, g FROM generate_series(1, 50) g ON CONFLICT DO NOTHING");
        long job = coordinator.launch(BackfillSpec.on("broken").set("b = 100 / (a - 7)").where("b IS NULL").build(), "browser-test");
        browser.get(base + "/#/jobs/" + job + "?token=" + VIEWER);

        waiting(30).until(d -> d.findElement(By.id("job-state")).getText().equals("FAILED"));
        assertThat(text("#job-error")).startsWith("failed: chunk 0 (keys (-∞, +∞)) failed with an error no retry can cure: SQLSTATE 22012: division by zero");
        assertThat(text("#job-reason")).isEmpty();
        screenshot("dashboard-failed.png");
    }

    @Test
    void anOperatorSetsHealthThresholdsAndTheSleepRatioWithTheThrottleForm() {
        long job = launchThrottledJob(1_000);
        browser.get(base + "/#/jobs/" + job + "?token=" + OPERATOR);
        WebElement lockWaiters = waiting(30).until(d -> d.findElement(By.cssSelector("#throttle-form input[name='lockWaiters']")));

        lockWaiters.sendKeys("5,30");
        browser.findElement(By.cssSelector("#throttle-form input[name='sleepRatio']")).sendKeys("0.5");
        browser.findElement(By.cssSelector("#throttle-form button[type='submit']")).click();

        waiting(10).until(d -> d.findElement(By.id("throttle-status")).getText()
                .equals("saved: rate 1000 rows/s; sleep ratio 0.5; lock waiters 5,30"));
        ThrottleSettings now = coordinator.jobs().throttle(job);
        assertThat(now.lockWaiters()).isEqualTo(new dev.pgbackfill.throttle.Threshold(5.0, 30.0));
        assertThat(now.sleepRatio()).isEqualTo(0.5);
        assertThat(now.rate()).isEqualTo(1000.0);
        coordinator.cancel(job, "browser-test", "done with this job");
    }

    @Test
    void aWorkerWhoseHeartbeatLapsedIsShownDead() {
        db.exec("INSERT INTO pgbackfill.worker (id, host, pid, threads, started_at, heartbeat_at) "
                + "VALUES ('gone-worker', 'old-host', 4242, 2, now() - interval '10 minutes', now() - interval '5 minutes') ON CONFLICT DO NOTHING");
        browser.get(base + "/#/workers?token=" + VIEWER);

        WebElement row = waiting(30).until(d -> d.findElement(By.xpath("//td[text()='gone-worker']/..")));
        assertThat(row.findElement(By.cssSelector("td.liveness")).getText()).matches("dead: no heartbeat for 5m0\\ds");
        assertThat(browser.findElement(By.xpath("//td[text()='" + worker.id() + "']/..")).findElement(By.cssSelector("td.liveness")).getText())
                .isEqualTo("alive");
    }
}
