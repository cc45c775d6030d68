package dev.poolkit.internal.process;

import dev.poolkit.internal.process.Triage.Decision;
import dev.poolkit.internal.process.Triage.State;
import dev.poolkit.internal.process.WorkerSlot.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every transition of a slot's crash triage, without a thread or a process. */
class TriageTest {
    static final Task A = new Task(1, "a");
    static final Task B = new Task(2, "b");
    static final Task C = new Task(3, "c");
    static final String CRASH = "worker process died with exit code 7";
    static final long SECOND = 1_000_000_000L;

    static Triage feeding(Task... tasks) {
        var triage = new Triage(1);
        for (Task t : tasks) triage.taken(t, 0);
        return triage;
    }

    static List<Task> failedTasks(Decision d) {
        return d.fail().stream().map(Triage.Failed::task).toList();
    }

    @Test
    void aTakenTaskIsHeldAndSent() {
        var triage = new Triage(1);

        Decision d = triage.taken(A, 0);

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
        var triage = new Triage(1);

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
        var triage = new Triage(0);
        triage.taken(A, 0);

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
    void theFeederTakesNothingWhileProbing() {
        var triage = feeding(A, B);
        triage.workerEnded(CRASH, 0);

        assertEquals(Decision.NOTHING, triage.taken(C, 0));
        assertEquals(List.of(A), triage.held());
    }

    @Test
    void tenCrashesInARowGiveTheSlotUpAndFailEverySuspect() {
        var triage = new Triage(100);
        triage.taken(A, 0);
        triage.taken(B, 0);
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
        var triage = new Triage(1);
        Decision gaveUp = triage.couldNotStart("could not start: no such file", 0);
        assertTrue(gaveUp.gaveUp());

        Decision d = triage.taken(A, 5 * SECOND);

        assertEquals(List.of(), d.send());
        assertEquals(List.of(new Triage.Failed(A, "crash", "could not start: no such file", 0)), d.fail());
        assertFalse(triage.couldNotStart("again", 0).gaveUp(), "a slot gives up once");
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
        var triage = new Triage(1);

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
        assertEquals(Decision.NOTHING, triage.taken(C, 0));
        assertEquals(Decision.NOTHING, triage.workerEnded(CRASH, 0), "no new worker, no failure");
        assertEquals(List.of(), triage.held());
        assertEquals(List.of(), triage.suspects());
    }
}
