package dev.pgbackfill.throttle;

import dev.pgbackfill.error.InvalidInputException;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Throttle windows, e.g. {@code Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; Sat-Sun paused; otherwise unlimited}.
 * Rules are separated by {@code ;} and the first that matches wins. A rule is {@code DAYS [HH:MM-HH:MM] [ZONE] ACTION}
 * or {@code otherwise ACTION}; DAYS is {@code daily} or days and ranges ({@code Mon,Wed,Fri-Sun}); a time range may
 * wrap midnight ({@code 22:00-06:00}) and end at {@code 24:00}; ZONE is an IANA zone (time-zone and DST aware),
 * inherited from the previous rule, UTC by default; ACTION is {@code rate=N} (rows/s), {@code paused} or
 * {@code unlimited}. Without an {@code otherwise} rule, time outside every window is unlimited.
 */
public final class Schedule {
    private static final Map<String, DayOfWeek> DAYS = Map.of("mon", DayOfWeek.MONDAY, "tue", DayOfWeek.TUESDAY, "wed", DayOfWeek.WEDNESDAY,
            "thu", DayOfWeek.THURSDAY, "fri", DayOfWeek.FRIDAY, "sat", DayOfWeek.SATURDAY, "sun", DayOfWeek.SUNDAY);

    /** What a schedule says for one moment: a rate limit (null = unlimited), paused, and the rule text that decided. */
    public record Decision(Double rate, boolean paused, String rule) {
        public static final Decision UNLIMITED = new Decision(null, false, null);
    }

    private record Rule(String text, Set<DayOfWeek> days, LocalTime from, LocalTime to, boolean toMidnight, ZoneId zone, Decision action) {
        boolean matches(Instant at) {
            if (days == null) {
                return true; // otherwise
            }
            ZonedDateTime local = at.atZone(zone);
            LocalTime t = local.toLocalTime();
            DayOfWeek day = local.getDayOfWeek();
            if (from == null) {
                return days.contains(day);
            }
            boolean wraps = !toMidnight && !to.isAfter(from);
            if (!wraps) {
                return days.contains(day) && !t.isBefore(from) && (toMidnight || t.isBefore(to));
            }
            // 22:00-06:00 on Fri covers Fri 22:00 to Sat 06:00
            return (days.contains(day) && !t.isBefore(from)) || (days.contains(day.minus(1)) && t.isBefore(to));
        }
    }

    private final String text;
    private final List<Rule> rules;

    private Schedule(String text, List<Rule> rules) {
        this.text = text;
        this.rules = rules;
    }

    public String text() {
        return text;
    }

    public Decision at(Instant instant) {
        for (Rule r : rules) {
            if (r.matches(instant)) {
                return new Decision(r.action.rate(), r.action.paused(), r.text);
            }
        }
        return Decision.UNLIMITED;
    }

    /**
     * Parsed schedules by their text: a worker asks for a job's schedule before every batch, and a schedule is immutable,
     * so each text is parsed (and checked for hidden rules) once. Bounded: a long-lived coordinator sees many texts.
     */
    private static final Map<String, Schedule> PARSED = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Schedule> eldest) {
            return size() > 256;
        }
    });

    public static Schedule parse(String text) {
        Schedule cached = text == null ? null : PARSED.get(text);
        if (cached != null) {
            return cached;
        }
        Schedule parsed = parseAndCheck(text);
        PARSED.put(text, parsed);
        return parsed;
    }

    private static Schedule parseAndCheck(String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidInputException("schedule", "--schedule is empty; e.g. \"Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; otherwise unlimited\"");
        }
        List<Rule> rules = new ArrayList<>();
        ZoneId zone = ZoneOffset.UTC;
        String[] parts = text.split(";");
        for (int i = 0; i < parts.length; i++) {
            String ruleText = parts[i].strip();
            if (ruleText.isEmpty()) {
                throw bad(i, ruleText, "empty rule (two ';' in a row?)");
            }
            Rule rule = parseRule(i, ruleText, zone);
            zone = rule.zone;
            if (!rules.isEmpty() && rules.get(rules.size() - 1).days == null) {
                throw bad(i, ruleText, "comes after 'otherwise', so it can never apply; put 'otherwise' last");
            }
            rules.add(rule);
        }
        refuseHiddenRules(rules);
        return new Schedule(text.strip(), List.copyOf(rules));
    }

    /** Reference weeks the rules are tried on, minute by minute: winter, summer, and one with Europe's and the US's DST switch. */
    private static final List<Instant> REFERENCE_WEEKS = List.of(Instant.parse("2026-01-05T00:00:00Z"), Instant.parse("2026-03-08T00:00:00Z"),
            Instant.parse("2026-03-25T00:00:00Z"), Instant.parse("2026-07-06T00:00:00Z"));

    /**
     * A rule that earlier rules cover at every minute it would apply can never decide anything (the first match wins):
     * refused, naming the rule that hides it, since it is almost always a mistake in the order of the rules.
     */
    private static void refuseHiddenRules(List<Rule> rules) {
        for (int k = 1; k < rules.size(); k++) {
            Rule rule = rules.get(k);
            Rule hiding = null;
            boolean applies = false;
            for (Instant week : REFERENCE_WEEKS) {
                for (int minute = 0; minute < 7 * 24 * 60 && !applies; minute++) {
                    Instant at = week.plusSeconds(60L * minute);
                    if (rule.matches(at)) {
                        Rule first = rules.subList(0, k).stream().filter(r -> r.matches(at)).findFirst().orElse(null);
                        applies = first == null;
                        hiding = hiding == null ? first : hiding;
                    }
                }
            }
            if (!applies) {
                throw bad(k, rule.text, "can never apply: " + (hiding == null ? "it matches no time" : "'" + hiding.text + "' before it covers every time it would")
                        + "; put the narrower rule first");
            }
        }
    }

    private static Rule parseRule(int index, String text, ZoneId inheritedZone) {
        String[] tokens = text.split("\\s+");
        int i = 0;
        Set<DayOfWeek> days;
        if (tokens[0].equalsIgnoreCase("otherwise")) {
            days = null;
            i++;
        } else {
            days = parseDays(index, text, tokens[i++]);
        }
        LocalTime from = null;
        LocalTime to = null;
        boolean toMidnight = false;
        if (days != null && i < tokens.length && tokens[i].matches("\\d{1,2}:\\d{2}-\\d{1,2}:\\d{2}")) {
            String[] fromTo = tokens[i++].split("-");
            from = parseTime(index, text, fromTo[0], false);
            toMidnight = fromTo[1].equals("24:00");
            to = toMidnight ? LocalTime.MIDNIGHT : parseTime(index, text, fromTo[1], true);
            if (!toMidnight && from.equals(to)) {
                throw bad(index, text, "time range " + fromTo[0] + "-" + fromTo[1] + " is empty");
            }
        }
        ZoneId zone = inheritedZone;
        if (days != null && i < tokens.length && !isAction(tokens[i])) {
            try {
                zone = ZoneId.of(tokens[i]);
            } catch (DateTimeException e) {
                throw bad(index, text, "'" + tokens[i] + "' is not a time zone (use an IANA name such as Europe/Berlin or UTC) nor an action");
            }
            i++;
        }
        if (i >= tokens.length) {
            throw bad(index, text, "missing action: end the rule with rate=N, paused or unlimited");
        }
        Decision action = parseAction(index, text, tokens[i++]);
        if (i < tokens.length) {
            throw bad(index, text, "unexpected '" + tokens[i] + "' after the action");
        }
        return new Rule(text, days, from, to, toMidnight, zone, action);
    }

    private static boolean isAction(String token) {
        String t = token.toLowerCase(Locale.ROOT);
        return t.startsWith("rate=") || t.equals("paused") || t.equals("unlimited");
    }

    private static Decision parseAction(int index, String text, String token) {
        String t = token.toLowerCase(Locale.ROOT);
        if (t.equals("paused")) {
            return new Decision(0.0, true, null);
        }
        if (t.equals("unlimited")) {
            return new Decision(null, false, null);
        }
        if (t.startsWith("rate=")) {
            if (!t.substring(5).matches("-?\\d+(\\.\\d+)?")) { // Double.parseDouble would take 5d, 1e3 or NaN
                throw bad(index, text, "rate must be a number of rows per second, got '" + token.substring(5) + "'");
            }
            try {
                double rate = Double.parseDouble(t.substring(5));
                if (!(rate > 0) || Double.isInfinite(rate)) {
                    throw bad(index, text, "rate must be a positive number of rows per second, got '" + token.substring(5) + "' (use 'paused' to stop)");
                }
                return new Decision(rate, false, null);
            } catch (NumberFormatException e) {
                throw bad(index, text, "rate must be a number of rows per second, got '" + token.substring(5) + "'");
            }
        }
        throw bad(index, text, "unknown action '" + token + "' (use rate=N, paused or unlimited)");
    }

    private static Set<DayOfWeek> parseDays(int index, String text, String token) {
        if (token.equalsIgnoreCase("daily")) {
            return EnumSet.allOf(DayOfWeek.class);
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        for (String part : token.split(",")) {
            String[] range = part.split("-", -1);
            if (range.length > 2) {
                throw bad(index, text, "'" + part + "' is not a day or a day range such as Mon-Fri");
            }
            DayOfWeek first = day(index, text, range[0]);
            DayOfWeek last = range.length == 2 ? day(index, text, range[1]) : first;
            for (DayOfWeek d = first; ; d = d.plus(1)) {
                days.add(d);
                if (d == last) {
                    break;
                }
            }
        }
        return days;
    }

    private static DayOfWeek day(int index, String text, String token) {
        DayOfWeek d = DAYS.get(token.toLowerCase(Locale.ROOT));
        if (d == null) {
            throw bad(index, text, "unknown day '" + token + "' (use Mon, Tue, Wed, Thu, Fri, Sat, Sun, ranges like Mon-Fri, or daily)");
        }
        return d;
    }

    private static LocalTime parseTime(int index, String text, String token, boolean end) {
        String[] hm = token.split(":");
        int h = Integer.parseInt(hm[0]);
        int m = Integer.parseInt(hm[1]);
        if (h > 23 || m > 59) {
            throw bad(index, text, "'" + token + "' is not a time of day (00:00 to 23:59" + (end ? ", or 24:00 as an end" : "") + ")");
        }
        return LocalTime.of(h, m);
    }

    private static InvalidInputException bad(int index, String rule, String why) {
        return new InvalidInputException("schedule", "--schedule rule " + (index + 1) + " '" + rule + "': " + why);
    }

    @Override
    public String toString() {
        return text;
    }
}
