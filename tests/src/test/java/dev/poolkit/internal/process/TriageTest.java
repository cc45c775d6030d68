package dev.poolkit.internal.process;

import dev.poolkit.internal.process.Triage.Decision;
import dev.poolkit.internal.process.Triage.State;
import dev.poolkit.internal.process.WorkerSlot.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every transition of a slot's triage, without a thread or a process: time is given, in nanoseconds. */
class TriageTest {
    static final Task A = new Task(1, "a");
    static final Task B = new Task(2, "b");
    static final Task C = new Task(3, "c");
    static final Task D = new Task(4, "d");
    static final String CRASH = "worker process died with exit code 7";
    static final long SECOND = 1_000_000_000L;
    static final long PATIENCE = SECOND;
    static final long NO_TIMEOUT = 0;

    /** Four threads: room for eight tasks, more than the crash tests hold. */
    static Triage triage(int crashRetries) {
        return new Triage(4, crashRetries, NO_TIMEOUT, PATIENCE);
    }

    static Triage feeding(Task... tasks) {
        return holding(triage(1), tasks);
    }

    static Triage holding(Triage triage, Task... tasks) {
        for (Task t : tasks) assertEquals(List.of(t), triage.taken(t, 0, true).send());
        return triage;
    }

    static List<Task> failedTasks(Decision d) {
        return d.fail().stream().map(Triage.Failed::task).toList();
    }

    @Test
    void aTakenTaskIsHeldAndSent() {
        var triage = triage(1);

        Decision d = triage.taken(A, 0, true);

        assertEquals(List.of(A), d.send());
        assertEquals(List.of(A), triage.held());
        assertEquals(State.FEEDING, triage.state());
    }

    @Test
    void anAnswerIsDeliveredOnceAndReleasesItsTask() {
        var triage = feeding(A, B);

        assertTrue(triage.answered(A.id()).deliver());
        assertFalse(triage.answered(A.id()).deliver(), "a second answer for the same task is dropped");
        assertFalse(triage.answered(99).deliver(), "an answer for a task never sent is dropped");
        assertEquals(List.of(B), triage.held());
        assertEquals(State.FEEDING, triage.state());
    }

    @Test
    void aCrashWithNoTaskHeldStartsANewWorkerAndFeedsOn() {
        var triage = triage(1);

        Decision d = triage.workerEnded(CRASH, 0);

        assertTrue(d.spawn());
        assertEquals(List.of(), d.send());
        assertEquals(List.of(), d.fail());
        assertEquals(State.FEEDING, triage.state());
        assertEquals(1, triage.crashesInARow());
    }

    @Test
    void aCrashWithOneTaskHeldBlamesItAndSendsItAgainAlone() {
        var triage = feeding(A);

        Decision d = triage.workerEnded(CRASH, 0);

        assertTrue(d.spawn());
        assertEquals(List.of(A), d.send());
        assertEquals(List.of(), d.fail());
        assertEquals(State.PROBING, triage.state());
        assertEquals(List.of(A), triage.held());
    }

    @Test
    void aTaskBlamedPastItsRetriesFailsWithTheCrash() {
        var triage = feeding(A);
        triage.workerEnded(CRASH, 0); // blamed once: sent again, its one retry
        Decision d = triage.workerEnded(CRASH + " again", 3 * SECOND);

        assertEquals(List.of(A), failedTasks(d));
        Triage.Failed f = d.fail().getFirst();
        assertEquals("crash", f.errorKind());
        assertEquals(CRASH + " again", f.error());
        assertEquals(3_000, f.millis(), "counted from when the slot took it");
        assertTrue(d.spawn(), "the worker is replaced all the same");
        assertEquals(State.FEEDING, triage.state());
        assertEquals(List.of(), triage.held());
    }

    @Test
    void withNoRetriesATaskFailsAtItsFirstCrash() {
        var triage = triage(0);
        triage.taken(A, 0, true);

        assertEquals(List.of(A), failedTasks(triage.workerEnded(CRASH, 0)));
        assertEquals(State.FEEDING, triage.state());
    }

    @Test
    void aCrashWithSeveralTasksHeldMakesThemSuspectsSentOneAtATimeInOrder() {
        var triage = feeding(A, B, C);

        Decision crash = triage.workerEnded(CRASH, 0);
        assertEquals(State.PROBING, triage.state());
        assertEquals(List.of(A), crash.send(), "the first suspect goes alone to the new worker");
        assertEquals(List.of(B, C), triage.suspects());
        assertEquals(List.of(), crash.fail(), "no suspect uses a retry: none was alone");

        assertEquals(List.of(B), triage.answered(A.id()).send());
        assertEquals(State.PROBING, triage.state());
        assertEquals(List.of(C), triage.answered(B.id()).send());
        Decision last = triage.answered(C.id());
        assertTrue(last.deliver());
        assertEquals(List.of(), last.send());
        assertEquals(State.FEEDING, triage.state(), "with every suspect answered, tasks flow again");
    }

    @Test
    void aSuspectThatKillsTheWorkerAloneIsBlamedAndTheOthersWaitTheirTurn() {
        var triage = feeding(A, B, C);
        triage.workerEnded(CRASH, 0); // A, B, C suspects; A sent alone

        Decision second = triage.workerEnded(CRASH, 0);
        assertEquals(List.of(A), second.send(), "blamed, A goes again first");
        assertEquals(List.of(B, C), triage.suspects());

        Decision third = triage.workerEnded(CRASH, 0);
        assertEquals(List.of(A), failedTasks(third), "its one retry used up, A fails");
        assertEquals(List.of(B), third.send(), "B and C were only beside it: they go on, one at a time");
        assertEquals(List.of(C), triage.suspects());
        assertEquals(State.PROBING, triage.state());
    }

    @Test
    void theFeederTakesNothingWhileProbingAndATaskTakenMeanwhileGoesBack() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0);

        assertFalse(triage.mayTake(0));
        Decision d = triage.taken(C, 0, true);
        assertEquals(List.of(C), d.giveBack(), "to another slot: it has done nothing to be a suspect");
        assertEquals(List.of(), d.send());
        assertEquals(List.of(A), triage.held());
    }

    @Test
    void tenCrashesInARowGiveTheSlotUpAndFailEverySuspect() {
        var triage = triage(100);
        triage.taken(A, 0, true);
        triage.taken(B, 0, true);
        for (int i = 1; i < Triage.MAX_CRASHES_IN_A_ROW; i++) {
            assertTrue(triage.workerEnded(CRASH, 0).spawn(), "crash " + i);
        }

        Decision d = triage.workerEnded(CRASH, 0);

        assertTrue(d.gaveUp());
        assertFalse(d.spawn());
        assertEquals(List.of(A, B), failedTasks(d));
        assertEquals(State.GIVEN_UP, triage.state());
        assertEquals(List.of(), triage.held());
        assertEquals(List.of(), triage.suspects());
    }

    @Test
    void anAnswerEndsARunOfCrashes() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0);
        triage.workerEnded(CRASH, 0);
        assertEquals(2, triage.crashesInARow());

        triage.answered(A.id());

        assertEquals(0, triage.crashesInARow());
    }

    @Test
    void aGivenUpSlotFailsWhatItTakesWithTheLastCrash() {
        var triage = triage(1);
        Decision gaveUp = triage.couldNotStart("could not start: no such file", 0);
        assertTrue(gaveUp.gaveUp());

        assertTrue(triage.mayTake(0), "it takes tasks to pass them on");

        Decision lastSlot = triage.taken(A, 5 * SECOND, false);
        assertEquals(List.of(), lastSlot.send());
        assertEquals(List.of(new Triage.Failed(A, "crash", "could not start: no such file", 0)), lastSlot.fail());
        assertFalse(triage.couldNotStart("again", 0).gaveUp(), "a slot gives up once");
    }

    @Test
    void aGivenUpSlotLeavesWhatItTakesToTheHealthySlots() {
        var triage = triage(1);
        triage.couldNotStart("could not start: no such file", 0);

        Decision d = triage.taken(A, 0, true);

        assertEquals(List.of(A), d.giveBack());
        assertEquals(List.of(), d.fail());
    }

    @Test
    void aWorkerThatCannotBeReplacedFailsEveryTaskItHeld() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0); // A sent alone, B waits

        Decision d = triage.couldNotStart(CRASH, 0);

        assertEquals(List.of(A, B), failedTasks(d));
        assertEquals(State.GIVEN_UP, triage.state());
    }

    @Test
    void inputDoneWithNothingHeldClosesTheWorkersStdinAndTheEndIsNormal() {
        var triage = triage(1);

        assertTrue(triage.inputDone().closeStdin());
        assertEquals(State.DONE, triage.state());
        assertEquals(Decision.NOTHING, triage.workerEnded(CRASH, 0), "not a crash: it was told to finish");
    }

    @Test
    void inputDoneWaitsForTheLastAnswerToCloseStdin() {
        var triage = feeding(A);

        assertFalse(triage.inputDone().closeStdin(), "A may still need a per-host permit, which comes on stdin");
        assertEquals(State.FEEDING, triage.state());
        assertTrue(triage.answered(A.id()).closeStdin());
        assertEquals(State.DONE, triage.state());
    }

    @Test
    void inputDoneWaitsForTheSuspectsToo() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0);
        triage.inputDone();

        assertFalse(triage.answered(A.id()).closeStdin(), "B still has to be sent");
        assertTrue(triage.answered(B.id()).closeStdin());
        assertEquals(State.DONE, triage.state());
    }

    @Test
    void aDestroyedSlotSendsNothingAndAbandonsWhatItHeld() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0); // probing: A sent, B waits

        triage.destroy();

        assertEquals(State.DESTROYED, triage.state());
        Decision answer = triage.answered(A.id());
        assertTrue(answer.deliver(), "an answer that made it is still given");
        assertEquals(List.of(), answer.send(), "but no suspect is sent to a killed worker");
        assertEquals(Decision.NOTHING, triage.taken(C, 0, true));
        assertFalse(triage.mayTake(0));
        assertEquals(Decision.NOTHING, triage.workerEnded(CRASH, 0), "no new worker, no failure");
        assertEquals(List.of(), triage.held());
        assertEquals(List.of(), triage.suspects());
    }

    // Prefetching, and items that do not return.

    @Test
    void aWorkerIsSentTwoTasksPerThread() {
        var triage = new Triage(1, 1, NO_TIMEOUT, PATIENCE);

        assertTrue(triage.mayTake(0));
        triage.taken(A, 0, true);
        assertTrue(triage.mayTake(0), "one more, so that the thread never waits a round trip for it");
        triage.taken(B, 0, true);
        assertFalse(triage.mayTake(0));
        triage.answered(A.id());
        assertTrue(triage.mayTake(0));
    }

    @Test
    void aTaskRunningPastThePatienceGivesBackTheTaskPrefetchedBehindIt() {
        var triage = holding(new Triage(1, 1, NO_TIMEOUT, PATIENCE), A, B);
        triage.started(A.id(), 0);
        assertEquals(PATIENCE, triage.untilNextDeadline(0));
        assertEquals(Decision.NOTHING, triage.tick(PATIENCE - 1));

        Decision d = triage.tick(PATIENCE);

        assertEquals(List.of(B.id()), d.cancel(), "asked back from the worker");
        assertEquals(List.of(), d.giveBack(), "not yet: a thread may be starting it");
        assertEquals(Long.MAX_VALUE, triage.untilNextDeadline(PATIENCE), "nothing more to do until something happens");
        assertEquals(Decision.NOTHING, triage.tick(2 * PATIENCE), "asked once");
        Decision given = triage.cancelled(B.id());
        assertEquals(List.of(B), given.giveBack());
        assertEquals(List.of(A), triage.held());
        assertEquals(State.FEEDING, triage.state());
    }

    @Test
    void aStalledWorkerTakesNoTaskUntilItsTaskReturns() {
        var triage = holding(new Triage(1, 1, NO_TIMEOUT, PATIENCE), A);
        triage.started(A.id(), 0);
        assertTrue(triage.mayTake(PATIENCE - 1));

        assertFalse(triage.mayTake(PATIENCE));
        assertEquals(List.of(B), triage.taken(B, PATIENCE, true).giveBack(), "taken just as A stalled: given back");
        triage.answered(A.id());
        assertTrue(triage.mayTake(PATIENCE));
    }

    @Test
    void aCancelThatComesAfterTheTaskStartedLeavesItRunning() {
        var triage = holding(new Triage(1, 1, NO_TIMEOUT, PATIENCE), A, B);
        triage.started(A.id(), 0);
        assertEquals(List.of(B.id()), triage.tick(PATIENCE).cancel());

        triage.answered(A.id()); // A returned before the worker read the cancel
        triage.started(B.id(), PATIENCE + 1); // so B started: the worker will not say "cancelled"

        assertEquals(List.of(B), triage.held());
        assertEquals(Decision.NOTHING, triage.tick(PATIENCE + 2));
        assertTrue(triage.answered(B.id()).deliver());
    }

    @Test
    void withSeveralThreadsOnlyTheStalledThreadsPrefetchedTasksAreAskedBack() {
        var triage = holding(new Triage(2, 1, NO_TIMEOUT, PATIENCE), A, B, C, D);
        triage.started(A.id(), 0);
        triage.started(B.id(), PATIENCE / 2);

        assertEquals(List.of(D.id()), triage.tick(PATIENCE).cancel(), "B's thread keeps one, C; the last sent goes");
        assertEquals(PATIENCE / 2, triage.untilNextDeadline(PATIENCE), "until B stalls too");
        assertEquals(List.of(C.id()), triage.tick(PATIENCE + PATIENCE / 2).cancel());
        assertFalse(triage.mayTake(2 * PATIENCE));
    }

    @Test
    void aTaskPastTheItemTimeoutFailsAndItsWorkerIsKilled() {
        var triage = holding(new Triage(2, 1, 3 * SECOND, PATIENCE), A, B, C);
        triage.started(A.id(), 0);
        triage.started(B.id(), SECOND);
        assertEquals(PATIENCE, triage.untilNextDeadline(0), "first the patience, then the timeout");
        assertEquals(List.of(), triage.tick(3 * SECOND - 1).fail());

        Decision d = triage.tick(3 * SECOND);

        assertTrue(d.kill());
        assertEquals(List.of(new Triage.Failed(A, "item-timeout",
                "item timed out after 3000 ms (--item-timeout); its worker was killed and replaced", 3_000)), d.fail());
        assertEquals(State.REPLACING, triage.state());
        assertEquals(List.of(B, C), triage.held(), "B and C are innocent: kept for the new worker");
        assertFalse(triage.mayTake(3 * SECOND));
        assertEquals(List.of(D), triage.taken(D, 3 * SECOND, true).giveBack());
        assertEquals(Long.MAX_VALUE, triage.untilNextDeadline(3 * SECOND), "nothing to time while it dies");
        assertFalse(triage.answered(A.id()).deliver(), "a late answer of the timed-out task is dropped");
    }

    @Test
    void theItemTimeoutRunsFromTheStartNotFromTheSend() {
        var triage = holding(new Triage(1, 1, 3 * SECOND, PATIENCE), A);
        assertEquals(Long.MAX_VALUE, triage.untilNextDeadline(10 * SECOND), "not started: no deadline");
        triage.started(A.id(), 10 * SECOND);

        assertEquals(List.of(), triage.tick(12 * SECOND).fail());
        assertEquals(List.of(A), triage.tick(13 * SECOND).fail().stream().map(Triage.Failed::task).toList());
    }

    @Test
    void theTasksBesideATimedOutOneGoToTheNewWorkerUsingNoRetry() {
        var triage = holding(new Triage(2, 1, 3 * SECOND, PATIENCE), A, B, C);
        triage.started(A.id(), 0);
        triage.started(B.id(), 0);
        assertEquals(List.of(A, B), triage.tick(3 * SECOND).fail().stream().map(Triage.Failed::task).toList(),
                "both ran past it");

        Decision replaced = triage.workerEnded("worker process died with exit code 137", 4 * SECOND);

        assertTrue(replaced.spawn());
        assertEquals(List.of(C), replaced.send(), "sent again as it was: not a suspect");
        assertEquals(List.of(), replaced.fail());
        assertEquals(State.FEEDING, triage.state());
        assertEquals(0, triage.crashesInARow(), "killed on purpose: not a crash");
        assertEquals(Long.MAX_VALUE, triage.untilNextDeadline(4 * SECOND), "C starts afresh in the new worker");
        // C still has its one retry: a crash with C alone sends it again.
        assertEquals(List.of(C), triage.workerEnded(CRASH, 5 * SECOND).send());
    }

    @Test
    void aSuspectPastTheItemTimeoutFailsAndTheProbingGoesOn() {
        var triage = holding(new Triage(4, 1, 3 * SECOND, PATIENCE), A, B);
        triage.workerEnded(CRASH, 0); // A sent alone, B waits
        triage.started(A.id(), 0);

        Decision timeout = triage.tick(3 * SECOND);
        assertEquals("item-timeout", timeout.fail().getFirst().errorKind());
        Decision replaced = triage.workerEnded("killed", 3 * SECOND);

        assertEquals(List.of(B), replaced.send());
        assertEquals(State.PROBING, triage.state());
    }

    @Test
    void aTimedOutLastTaskAfterInputDoneEndsTheSlotWithoutANewWorker() {
        var triage = holding(new Triage(1, 1, 3 * SECOND, PATIENCE), A);
        triage.inputDone();
        triage.started(A.id(), 0);
        triage.tick(3 * SECOND);

        Decision d = triage.workerEnded("killed", 3 * SECOND);

        assertFalse(d.spawn());
        assertEquals(State.DONE, triage.state());
    }

    @Test
    void aDestroyedSlotTimesNothing() {
        var triage = holding(new Triage(1, 1, 3 * SECOND, PATIENCE), A, B);
        triage.started(A.id(), 0);
        triage.destroy();

        assertEquals(Long.MAX_VALUE, triage.untilNextDeadline(0));
        assertEquals(Decision.NOTHING, triage.tick(10 * SECOND));
    }

    @Test
    void stopAsksBackTheTasksSentAheadAndClosesStdinOnceTheStartedAreAnswered() {
        var triage = feeding(A, B, C);
        triage.started(A.id(), 0);

        Decision stop = triage.stop();

        assertEquals(List.of(B.id(), C.id()), stop.cancel(), "the tasks not started are asked back");
        assertFalse(stop.closeStdin(), "A still runs");
        assertTrue(triage.stopped());
        Decision cancelled = triage.cancelled(B.id());
        assertEquals(List.of(B), cancelled.giveBack(), "given back, for the stopped queue to drop");
        assertTrue(triage.answered(A.id()).deliver());
        assertTrue(triage.cancelled(C.id()).closeStdin(), "nothing left: the worker may exit");
        assertEquals(State.DONE, triage.state());
    }

    @Test
    void aTaskAskedBackMayStillStartUntilTheWorkerAnswersCancelledOrStarted() {
        var triage = feeding(A, B, C);
        triage.started(A.id(), 0);
        assertFalse(triage.askingBack());

        triage.stop(); // asks back B and C

        assertTrue(triage.askingBack(), "a cancel written is not yet read");
        triage.cancelled(B.id());
        assertTrue(triage.askingBack(), "C has no answer yet");
        triage.started(C.id(), 0); // a thread claimed C before the worker read its cancel
        assertFalse(triage.askingBack());
    }

    @Test
    void aWorkerThatEndsAnswersEveryTaskAskedBack() {
        var triage = feeding(A, B);
        triage.started(A.id(), 0);
        triage.stop();

        triage.workerEnded(CRASH, SECOND);

        assertFalse(triage.askingBack(), "no thread of a dead worker starts anything");
    }

    @Test
    void aTaskTakenAfterStopIsGivenBackNotSent() {
        var triage = feeding(A);
        triage.started(A.id(), 0);
        triage.stop();

        Decision d = triage.taken(B, 0, true);

        assertEquals(List.of(), d.send());
        assertEquals(List.of(B), d.giveBack());
        assertEquals(List.of(A), triage.held());
    }

    @Test
    void aWorkerThatDiesHoldingNothingAfterStopIsNotReplaced() {
        var triage = feeding(A);
        triage.started(A.id(), 0);
        triage.answered(A.id());
        triage.stop();

        Decision d = triage.workerEnded(CRASH, SECOND);

        assertFalse(d.spawn());
        assertEquals(State.DONE, triage.state());
    }

    @Test
    void aWorkerKilledForATimeoutAfterStopTakesOnlyTheTasksItHadStartedToTheNewOne() {
        var triage = new Triage(2, 1, SECOND, 10 * SECOND);
        holding(triage, A, B, C, D);
        triage.started(A.id(), 0);
        triage.started(B.id(), 0);
        assertTrue(triage.tick(SECOND / 2).fail().isEmpty());
        triage.started(C.id(), SECOND / 2);
        // A and B pass their timeout; C had started in the killed worker, D had not
        Decision timedOut = triage.tick(SECOND);
        assertEquals(List.of(A, B), failedTasks(timedOut));
        assertEquals(State.REPLACING, triage.state());
        triage.stop();

        Decision ended = triage.workerEnded(CRASH, SECOND);

        assertTrue(ended.spawn());
        assertEquals(List.of(C), ended.send(), "started in the killed worker: run again, to get its record");
        assertEquals(List.of(D), ended.giveBack(), "not started: dropped by the stopped queue");
    }
}
