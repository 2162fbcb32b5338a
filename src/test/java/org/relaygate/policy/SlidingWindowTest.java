package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The ring of sub-buckets on its own: slot numbers in, totals out. */
class SlidingWindowTest {

    private static final int A = 0;
    private static final int B = 1;

    @Test
    void countsStayForTheWholeWindowAndLeaveSlotBySlot() {
        SlidingWindow w = new SlidingWindow(2, 4);
        w.advance(100);
        w.add(A, 2);
        w.advance(101);
        w.add(A, 3);
        w.add(B, 1);
        assertEquals(5, w.total(A));
        assertEquals(1, w.total(B));
        w.advance(103); // slots 100..103: all still in
        assertEquals(5, w.total(A));
        w.advance(104); // slot 100 left
        assertEquals(3, w.total(A));
        assertEquals(1, w.total(B));
        w.advance(105); // slot 101 left
        assertEquals(0, w.total(A));
        assertTrue(w.empty());
    }

    @Test
    void aJumpPastTheWholeWindowForgetsEverything() {
        SlidingWindow w = new SlidingWindow(1, 60);
        w.advance(0);
        w.add(A, 7);
        w.advance(1_000_000);
        assertEquals(0, w.total(A));
        w.add(A, 1);
        w.advance(1_000_059);
        assertEquals(1, w.total(A));
        w.advance(1_000_060);
        assertEquals(0, w.total(A));
    }

    @Test
    void theClockSteppingBackCountsInTheNewestSlot() {
        SlidingWindow w = new SlidingWindow(1, 4);
        w.advance(50);
        w.add(A, 1);
        w.advance(40);
        w.add(A, 1);
        assertEquals(50, w.newest());
        assertEquals(2, w.total(A));
        w.advance(54);
        assertEquals(0, w.total(A));
    }

    @Test
    void removeTakesBackOnlyWhatItsSlotStillHolds() {
        SlidingWindow w = new SlidingWindow(1, 4);
        w.advance(10);
        w.add(A, 2);
        w.advance(11);
        w.add(A, 5);
        w.remove(A, 10, 3); // slot 10 holds 2: never below zero, never from another slot
        assertEquals(5, w.total(A));
        w.remove(A, 11, 1);
        assertEquals(4, w.total(A));
        w.remove(A, 9, 4);  // never counted here
        w.remove(A, 12, 4); // in the future
        assertEquals(4, w.total(A));
        w.advance(15);       // slot 11 left: removing from it changes nothing
        w.remove(A, 11, 4);
        assertEquals(0, w.total(A));
    }

    @ParameterizedTest(name = "limit {0}: below it from slot {1}")
    @CsvSource({
        "10, 103", // already below: the newest slot
        "6,  104", // 2 leave when slot 100 does (at 104): 5 < 6
        "5,  105", // 2+3 must leave: slot 101 leaves at 105
        "3,  105",
        "2,  107", // slot 102 is empty; the last one leaves with slot 103 at 107
        "1,  107",
    })
    void slotBelowIsWhenEnoughOfTheOldestSlotsHaveLeft(int limit, long expected) {
        SlidingWindow w = new SlidingWindow(1, 4);
        w.advance(100);
        w.add(A, 2);
        w.advance(101);
        w.add(A, 3);
        w.advance(103);
        w.add(A, 2);
        w.advance(100); // stepping back does not move it
        assertEquals(7, w.total(A));
        long at = w.slotBelow(A, limit);
        assertEquals(expected, at);
    }

    @Test
    void clearForgetsCountsAndPosition() {
        SlidingWindow w = new SlidingWindow(2, 4);
        w.advance(7);
        w.add(A, 3);
        w.add(B, 3);
        w.clear();
        assertTrue(w.empty());
        w.advance(2);
        w.add(A, 1);
        assertEquals(1, w.total(A));
        assertFalse(w.empty());
    }
}
