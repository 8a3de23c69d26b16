import Dispatch
import Glibc
import Synchronization

/// A small persistent pool of POSIX threads that runs indexed tasks; the calling thread works too.
///
/// `run` hands out task indices from an atomic counter, so uneven tasks balance themselves, and returns once every
/// task has finished. Threads are created once, in `init`, and joined in `deinit`.
public final class ThreadPool: Sendable {
    /// The number of threads working on a `run`, the caller included.
    public let threadCount: Int
    private let shared: Shared
    private let threads: [pthread_t]
    private let gate = DispatchSemaphore(value: 1)

    /// State the workers share with `run`.
    private final class Shared: Sendable {
        let job = Mutex<Job?>(nil)
        let nextTask = Atomic<Int>(0)
        let wakeups: [DispatchSemaphore]
        let finished = DispatchSemaphore(value: 0)
        let stopping = Atomic<Bool>(false)

        init(workerCount: Int) {
            wakeups = (0..<workerCount).map { _ in DispatchSemaphore(value: 0) }
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
            while true {
                wakeups[index].wait()
                if stopping.load(ordering: .acquiring) { return }
                if let job = job.withLock({ $0 }) { work(job) }
                finished.signal()
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
            Self.spawn { shared.workerLoop(index) }
        }
        precondition(threads.count == self.threadCount - 1, "could not start the pool's threads")
    }

    deinit {
        shared.stopping.store(true, ordering: .releasing)
        for wakeup in shared.wakeups { wakeup.signal() }
        for thread in threads { _ = pthread_join(thread, nil) }
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
        for wakeup in shared.wakeups { wakeup.signal() }
        shared.work(job)
        for _ in shared.wakeups { shared.finished.wait() }
        shared.job.withLock { $0 = nil }
    }

    private final class Entry: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    private static func spawn(_ body: @escaping @Sendable () -> Void) -> pthread_t? {
        // The thread owns the entry: retained here, released by the thread once it starts.
        let entry = unsafe Unmanaged.passRetained(Entry(body)).toOpaque()
        var id = pthread_t()
        let result = unsafe pthread_create(
            &id, nil,
            { argument in
                // Sound: `argument` is the entry retained by `spawn`, handed to this thread exactly once.
                let entry = unsafe Unmanaged<Entry>.fromOpaque(argument!).takeRetainedValue()
                entry.body()
                return nil
            }, entry)
        guard result == 0 else {
            unsafe Unmanaged<Entry>.fromOpaque(entry).release()
            return nil
        }
        return id
    }
}
