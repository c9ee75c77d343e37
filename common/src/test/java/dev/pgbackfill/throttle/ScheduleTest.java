package dev.pgbackfill.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pgbackfill.error.InvalidInputException;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ScheduleTest {
    static final Schedule BUSINESS_HOURS = Schedule.parse("Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; Sat-Sun paused; otherwise unlimited");

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
            // winter (CET = UTC+1): Wed 2026-01-14
            "2026-01-14T06:59:59Z, unlimited",
            "2026-01-14T07:00:00Z, rate=2000",
            "2026-01-14T16:59:59Z, rate=2000",
            "2026-01-14T17:00:00Z, unlimited",
            // summer (CEST = UTC+2): Wed 2026-07-15, the window moves with DST
            "2026-07-15T05:59:59Z, unlimited",
            "2026-07-15T06:00:00Z, rate=2000",
            "2026-07-15T16:00:00Z, unlimited",
            // weekend in Berlin: Sat 2026-07-18 00:30 local is still Fri 22:30 UTC
            "2026-07-17T22:30:00Z, paused",
            "2026-07-19T12:00:00Z, paused",
            "2026-07-19T22:30:00Z, unlimited"})
    void businessHoursFollowBerlinTimeIncludingDst(String at, String expected) {
        Schedule.Decision d = BUSINESS_HOURS.at(Instant.parse(at));

        String actual = d.paused() ? "paused" : d.rate() == null ? "unlimited" : "rate=" + d.rate().intValue();
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void decisionNamesTheRuleThatApplied() {
        assertThat(BUSINESS_HOURS.at(Instant.parse("2026-01-14T09:00:00Z")).rule()).isEqualTo("Mon-Fri 08:00-18:00 Europe/Berlin rate=2000");
    }

    @Test
    void windowsMayWrapMidnight() {
        Schedule night = Schedule.parse("Fri 22:00-06:00 UTC unlimited; otherwise rate=100");

        assertThat(night.at(Instant.parse("2026-07-17T23:00:00Z")).rate()).isNull(); // Fri 23:00
        assertThat(night.at(Instant.parse("2026-07-18T05:59:00Z")).rate()).isNull(); // Sat 05:59
        assertThat(night.at(Instant.parse("2026-07-18T06:00:00Z")).rate()).isEqualTo(100.0);
        assertThat(night.at(Instant.parse("2026-07-16T23:00:00Z")).rate()).isEqualTo(100.0); // Thu 23:00
    }

    @Test
    void withoutOtherwiseTimeOutsideWindowsIsUnlimited() {
        assertThat(Schedule.parse("daily 09:00-17:00 rate=5").at(Instant.parse("2026-07-15T20:00:00Z"))).isEqualTo(Schedule.Decision.UNLIMITED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "Mon-Fry 08:00-18:00 rate=5|rule 1 'Mon-Fry 08:00-18:00 rate=5': unknown day 'Fry'",
            "Mon-Fri 08:00-25:00 rate=5|'25:00' is not a time of day",
            "Mon-Fri 08:00-18:00 Europe/Berlln rate=5|'Europe/Berlln' is not a time zone",
            "Mon-Fri 08:00-18:00 rate=-5|rate must be a positive number",
            "Mon-Fri 08:00-18:00 rate=fast|rate must be a number of rows per second, got 'fast'",
            "Mon-Fri 08:00-18:00|missing action",
            "Mon-Fri 08:00-18:00 slow|'slow' is not a time zone",
            "otherwise unlimited; Sat paused|rule 2 'Sat paused': comes after 'otherwise'",
            "Sat paused;; otherwise unlimited|rule 2 '': empty rule",
            "Mon-Fri 08:00-08:00 rate=5|is empty",
            "Mon-Fri 08:00-18:00 rate=5d|rate must be a number of rows per second, got '5d'",
            "Mon-Sun 00:00-24:00 rate=100; Tue 08:00-09:00 paused|rule 2 'Tue 08:00-09:00 paused': can never apply: 'Mon-Sun 00:00-24:00 rate=100' before it covers every time it would",
            "daily rate=100; otherwise unlimited|rule 2 'otherwise unlimited': can never apply",
            "Mon-Fri 08:00-18:00 rate=5; Tue 09:00-10:00 paused|can never apply"})
    void malformedSchedulePointsAtTheWrongPart(String schedule, String message) {
        assertThatThrownBy(() -> Schedule.parse(schedule)).isInstanceOf(InvalidInputException.class).hasMessageContaining(message);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "Tue 08:00-09:00 paused; Mon-Sun 00:00-24:00 rate=100",
            "Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; Sat-Sun paused; otherwise unlimited",
            "Mon-Fri 08:05-08:06 paused; Mon-Fri 08:00-18:00 rate=5; otherwise unlimited",
            "Mon 22:00-06:00 rate=10; Tue 00:00-12:00 rate=20"})
    void narrowerRulesFirstAreAccepted(String schedule) {
        assertThat(Schedule.parse(schedule).text()).isEqualTo(schedule);
    }
}
