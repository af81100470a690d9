package io.kairos.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToLongFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's rules on synthetic windows: each failure names its rule and its numbers; noise alone passes. */
class SoakVerdictTest {
    private static final long MIB = 1 << 20;
    private static final long MS = 1_000_000;
    private static final SoakVerdict.Bounds BOUNDS = new SoakVerdict.Bounds(256 * MIB, 2.0, MS);

    /** n windows of 10 s, with the p99 (ns) and RSS (bytes) that the functions give for each index (1-based). */
    private static List<SoakWindow> windows(final int n, final IntToLongFunction p99, final IntToLongFunction rss) {
        final List<SoakWindow> windows = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            windows.add(new SoakWindow(i, 10.0 * i, 10, 100_000, 99_000, 2_000, 50_000, p99.applyAsLong(i),
                4 * p99.applyAsLong(i), rss.applyAsLong(i), 70 * MIB, i * 100 * MIB, i, i, i, 2.0));
        }
        return windows;
    }

    private static SoakVerdict.Result judge(final List<SoakWindow> windows) {
        return SoakVerdict.judge(windows, 0, List.of(), 0, List.of(), BOUNDS);
    }

    @Test
    void aSteadyRunPassesAndShowsItsFigures() {
        final SoakVerdict.Result result = judge(windows(12, i -> 3 * MS, i -> 1400 * MIB));
        assertTrue(result.passed(), result.failures().toString());
        assertEquals(2, result.figures().size(), result.figures().toString());
        assertTrue(result.figures().get(0).startsWith("rss growth +0 MiB (bound 256 MiB)"), result.figures().get(0));
        assertTrue(result.figures().get(1).startsWith("p99 drift 1.00x (bound 2.00x)"), result.figures().get(1));
    }

    @Test
    void p99DriftOverTwiceFailsNamingTheWindowsAndTheFigures() {
        // 12 windows: 2 of warm-up, then 3-5 against 10-12
        final SoakVerdict.Result result = judge(windows(12, i -> i <= 6 ? 2 * MS : 5 * MS, i -> 1400 * MIB));
        assertEquals(1, result.failures().size(), result.failures().toString());
        assertEquals("p99 drift 2.50x (bound 2.00x): median p99 of windows 10-12 5.00 ms, of windows 3-5 2.00 ms "
            + "(p99s below 1.00 ms count as 1.00 ms)", result.failures().get(0));
    }

    @Test
    void oneSlowWindowOrASlowWarmUpIsNotDrift() {
        final SoakVerdict.Result spike = judge(windows(12, i -> i == 11 ? 50 * MS : 2 * MS, i -> 1400 * MIB));
        assertTrue(spike.passed(), spike.failures().toString());
        final SoakVerdict.Result warmup = judge(windows(12, i -> i <= 2 ? 40 * MS : 2 * MS, i -> 1400 * MIB));
        assertTrue(warmup.passed(), warmup.failures().toString());
    }

    @Test
    void driftAmongP99sBelowTheFloorIsNoise() {
        final SoakVerdict.Result result = judge(windows(12, i -> i <= 6 ? 200_000 : 900_000, i -> 1400 * MIB));
        assertTrue(result.passed(), result.failures().toString());
        assertTrue(result.figures().get(1).startsWith("p99 drift 1.00x"), result.figures().get(1));
    }

    @Test
    void rssGrowthPastTheBoundFails() {
        // a leak of 40 MiB a window: windows 3-5 (median 1560) against 10-12 (median 1840)
        final SoakVerdict.Result result = judge(windows(12, i -> 2 * MS, i -> (1400 + 40 * i) * MIB));
        assertEquals(List.of("rss growth +280 MiB (bound 256 MiB): median of windows 10-12 1840 MiB, of windows 3-5 "
            + "1560 MiB"), result.failures());
    }

    @Test
    void rssGrowthWithinTheBoundPasses() {
        final SoakVerdict.Result result = judge(windows(12, i -> 2 * MS, i -> (1400 + 20 * i) * MIB));
        assertTrue(result.passed(), result.failures().toString());
    }

    @Test
    void aLostTaskFailsWithItsDescription() {
        final SoakVerdict.Result result = SoakVerdict.judge(windows(12, i -> 2 * MS, i -> 1400 * MIB), 1,
            List.of("isolated task mix(7): not back within 60 s"), 0, List.of(), BOUNDS);
        assertEquals(List.of("lost tasks: 1 (not back within the get timeout, or failed with retries left); first: "
            + "isolated task mix(7): not back within 60 s"), result.failures());
    }

    @Test
    void aWrongResultFailsWithItsDescription() {
        final SoakVerdict.Result result = SoakVerdict.judge(windows(12, i -> 2 * MS, i -> 1400 * MIB), 0, List.of(),
            7, List.of("actor 2: count 5 after 3", "task mix(1) = 2, expected 3"), BOUNDS);
        assertEquals(List.of("wrong results: 7; first: actor 2: count 5 after 3 | task mix(1) = 2, expected 3"),
            result.failures());
    }

    @Test
    void everyRuleThatFailsIsListed() {
        final SoakVerdict.Result result = SoakVerdict.judge(windows(12, i -> i <= 6 ? 2 * MS : 9 * MS,
            i -> (1000 + 100 * i) * MIB), 2, List.of("a", "b"), 1, List.of("c"), BOUNDS);
        assertEquals(4, result.failures().size(), result.failures().toString());
        assertTrue(result.failures().get(0).startsWith("lost tasks: 2"));
        assertTrue(result.failures().get(1).startsWith("wrong results: 1"));
        assertTrue(result.failures().get(2).startsWith("rss growth +700 MiB"));
        assertTrue(result.failures().get(3).startsWith("p99 drift 4.50x"));
    }

    @Test
    void tooFewWindowsAreNotJudgedForTrendsButStillForCorrectness() {
        final SoakVerdict.Result fine = judge(windows(3, i -> i * 10 * MS, i -> i * 1000 * MIB));
        assertTrue(fine.passed(), fine.failures().toString());
        assertEquals(List.of("rss growth and p99 drift not judged: 2 steady window(s) after 1 of warm-up, 3 needed"),
            fine.figures());
        final SoakVerdict.Result lost = SoakVerdict.judge(windows(2, i -> MS, i -> MIB), 1, List.of("x"), 0,
            List.of(), BOUNDS);
        assertEquals(1, lost.failures().size());
    }

    @Test
    void warmUpIsATenthOfTheWindowsAtLeastOne() {
        assertEquals(0, SoakVerdict.warmupWindows(1));
        assertEquals(1, SoakVerdict.warmupWindows(2));
        assertEquals(1, SoakVerdict.warmupWindows(10));
        assertEquals(2, SoakVerdict.warmupWindows(12));
        assertEquals(3, SoakVerdict.warmupWindows(30));
    }

    @Test
    void windowsWithoutTimedRoundTripsFailTheDriftRule() {
        final List<SoakWindow> windows = new ArrayList<>(windows(12, i -> 2 * MS, i -> 1400 * MIB));
        for (int i = 9; i < 12; i++) {
            final SoakWindow w = windows.get(i);
            windows.set(i, new SoakWindow(w.index(), w.endSeconds(), w.seconds(), 0, 0, 0, 0, 0, 0, w.rssBytes(),
                w.storeBytes(), w.spilledBytes(), w.kills(), w.retries(), w.restarts(), w.load()));
        }
        assertEquals(List.of("p99 drift: no round trip was timed in windows 10-12"), judge(windows).failures());
    }

    @Test
    void aWindowLineShowsEveryFigure() {
        final SoakWindow w = new SoakWindow(3, 30.2, 10, 1_234_567, 1_000_000, 2_000, 45_000, 1_250_000, 95_300_000,
            1400 * MIB, 70 * MIB, 300 * MIB, 4, 5, 6, 2.345);
        assertEquals("window   3/12     0:30    123,457 tasks/s   100,000 checks/s  round trip p50 45 us p99 1.25 ms "
            + "max 95.3 ms  rss 1400 MiB  store 70 MiB  spilled 300 MiB  kills 4 retries 5 restarts 6  load 2.35",
            w.line(12));
    }
}
