import Dispatch
import Glibc
import Synchronization
import System

/// A small persistent pool of POSIX threads that runs indexed tasks; the calling thread works too.
///
/// `run` hands out task indices from an atomic counter, so uneven tasks balance themselves, and returns once every
/// task has finished. Threads are created once, in `init`, and joined in `deinit`.
///
/// A token of a 30-layer model is ~150 `run`s a few tens of microseconds apart, and a futex wake-up costs about as
/// much as one of them: so a worker that finished a job watches for the next one for `spinDuration` before it
/// sleeps on its semaphore, and `run` watches for its workers to finish before it sleeps. Between bursts (a
/// sampler, a network wait) every thread sleeps.
public final class ThreadPool: Sendable {
    /// The number of threads working on a `run`, the caller included.
    public let threadCount: Int
    private let shared: Shared
    private let threads: [EventThread]
    private let gate = DispatchSemaphore(value: 1)

    /// How long a thread polls before it sleeps.
    static let spinDuration: Duration = .microseconds(100)

    /// A worker's bed: `asleep` is set while it sleeps (or is about to) on `wakeup`.
    private final class Sleeper: Sendable {
        let asleep = Atomic<Bool>(false)
        let wakeup = DispatchSemaphore(value: 0)
    }

    /// State the workers share with `run`.
    private final class Shared: Sendable {
        let job = Mutex<Job?>(nil)
        let nextTask = Atomic<Int>(0)
        /// Counts the jobs `run` has published; a worker works once per new value.
        let generation = Atomic<Int>(0)
        /// Workers not yet done with the current job.
        let busy = Atomic<Int>(0)
        let sleepers: [Sleeper]
        /// Set while `run` sleeps (or is about to) on `finished`.
        let callerAsleep = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
        let stopping = Atomic<Bool>(false)

        init(workerCount: Int) {
            sleepers = (0..<workerCount).map { _ in Sleeper() }
        }

        /// Runs tasks of the current job until none is left.
        func work(_ job: Job) {
            while true {
                let task = nextTask.add(1, ordering: .relaxed).oldValue
                guard task < job.taskCount else { return }
                job.body(task)
            }
        }

        func workerLoop(_ index: Int) {
            var seen = 0
            while true {
                seen = waitForJob(after: seen, sleeper: sleepers[index])
                if stopping.load(ordering: .acquiring) { return }
                if let job = job.withLock({ $0 }) { work(job) }
                // The last worker out wakes `run` if it went to sleep. Sequentially consistent with `run`'s
                // `callerAsleep.store` then `busy.load`: one of the two sees the other's write.
                if busy.subtract(1, ordering: .sequentiallyConsistent).newValue == 0,
                    callerAsleep.exchange(false, ordering: .sequentiallyConsistent)
                {
                    finished.signal()
                }
            }
        }

        /// Polls `generation` for a value other than `seen`, then sleeps until `run` wakes this worker.
        private func waitForJob(after seen: Int, sleeper: Sleeper) -> Int {
            while true {
                if ThreadPool.poll({ generation.load(ordering: .acquiring) != seen }) {
                    return generation.load(ordering: .acquiring)
                }
                // Announce the sleep, then look again: `run` increments `generation` before it clears `asleep`, so
                // either this load sees the new job or `run` sees `asleep` and signals.
                sleeper.asleep.store(true, ordering: .sequentiallyConsistent)
                if generation.load(ordering: .sequentiallyConsistent) != seen,
                    sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent)
                {
                    return generation.load(ordering: .acquiring)
                }
                sleeper.wakeup.wait()  // `run` (or `deinit`) cleared `asleep` and signals once
                let current = generation.load(ordering: .acquiring)
                // The signal can be stale: a `run` slower to reach this worker's `asleep` than the worker was to
                // finish its job and announce its next sleep. Working again on the same job would count it twice.
                if current != seen { return current }
            }
        }
    }

    private struct Job: Sendable {
        let taskCount: Int
        let body: @Sendable (Int) -> Void
    }

    /// Starts `threadCount - 1` worker threads (at least one thread, the caller, always works).
    public init(threadCount: Int) {
        self.threadCount = max(1, threadCount)
        let shared = Shared(workerCount: self.threadCount - 1)
        self.shared = shared
        threads = (0..<self.threadCount - 1).compactMap { index in
            EventThread.spawn { shared.workerLoop(index) }
        }
        precondition(threads.count == self.threadCount - 1, "could not start the pool's threads")
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        shared.generation.add(1, ordering: .sequentiallyConsistent)
        for sleeper in shared.sleepers where sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
            sleeper.wakeup.signal()
        }
        for thread in threads { thread.join() }
    }

    /// Runs `body(0)`, …, `body(taskCount - 1)` on the pool's threads and returns when all have finished.
    /// Concurrent callers take turns; a task must not call `run` on its own pool (it would wait for itself).
    public func run(taskCount: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard taskCount > 1, threadCount > 1 else {
            for task in 0..<max(taskCount, 0) { body(task) }
            return
        }
        gate.wait()
        defer { gate.signal() }
        let job = Job(taskCount: taskCount, body: body)
        shared.job.withLock { $0 = job }
        shared.nextTask.store(0, ordering: .relaxed)
        shared.busy.store(shared.sleepers.count, ordering: .relaxed)
        shared.generation.add(1, ordering: .sequentiallyConsistent)  // publishes the three stores above
        for sleeper in shared.sleepers where sleeper.asleep.exchange(false, ordering: .sequentiallyConsistent) {
            sleeper.wakeup.signal()
        }
        shared.work(job)
        if !Self.poll({ shared.busy.load(ordering: .acquiring) == 0 }) {
            shared.callerAsleep.store(true, ordering: .sequentiallyConsistent)
            let done =
                shared.busy.load(ordering: .sequentiallyConsistent) == 0
                && shared.callerAsleep.exchange(false, ordering: .sequentiallyConsistent)
            if !done { shared.finished.wait() }  // the last worker cleared `callerAsleep` and signals once
        }
        shared.job.withLock { $0 = nil }
    }

    /// Calls `done` until it returns true (then true) or `spinDuration` has passed (then false).
    private static func poll(_ done: () -> Bool) -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + spinDuration
        while true {
            for _ in 0..<64 where done() { return true }
            if clock.now >= deadline { return false }
            sched_yield()  // on a busy machine, lets another process have this core
        }
    }
}
