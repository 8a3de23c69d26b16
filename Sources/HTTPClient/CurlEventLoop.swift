import CCurl
import Glibc
import Synchronization
import System

/// Runs libcurl's multi interface on one event thread. Other threads only queue commands and wake the thread;
/// every easy handle is created, driven and cleaned up on that thread. The only file that imports CCurl.
///
/// The thread is also a task executor: jobs of tasks that prefer it run between libcurl's turns, so a task
/// that starts a transfer and awaits its bytes is resumed on the thread that received them, with no wake-up of
/// another thread in between.
@safe final class CurlEventLoop: @unchecked Sendable {
    // Safe: the multi handle never leaves this type and lives until deinit.
    // Sound: `active`, `idleHandles` and `endOfTurn` are touched only on the event thread; `inbox` and `thread` are
    // mutex-guarded; `multi` is shared only through curl_multi_wakeup, which libcurl documents as callable from any thread.

    /// Work for the event thread.
    enum Command {
        /// Create the easy handle and add it to the multi handle.
        case start(Transfer)
        /// Remove the transfer (its awaiters were already failed).
        case abort(Transfer)
        /// The consumer drained the buffer: resume a paused transfer.
        case unpause(Transfer)
    }

    private struct Inbox {
        var commands: [Command] = []
        /// Jobs of tasks that prefer this loop as their executor, in arrival order.
        var jobs: [UnownedJob] = []
        var isClosed = false
        /// The thread is in (or about to enter) `curl_multi_poll`: new work must wake it.
        var isPolling = false

        var hasWork: Bool { !commands.isEmpty || !jobs.isEmpty }
    }

    private let multi: UnsafeMutableRawPointer
    private let configuration: HTTPClient.Configuration
    private let inbox = Mutex(Inbox())
    private let thread = Mutex<EventThread?>(nil)
    /// The event thread's id once it runs (0 before): work queued from that thread needs no wake-up.
    private let threadID = Atomic<UInt>(0)
    private var active: [ObjectIdentifier: ActiveTransfer] = [:]
    /// What jobs of this turn asked to run once every job of the turn has run (event thread only).
    private var endOfTurn: [@Sendable () -> Void] = []
    /// Easy handles of finished transfers, reset and kept for the next ones (event thread only): creating and
    /// freeing a handle per request cost its allocations (libcurl's receive and upload buffers), and the freed
    /// buffers made malloc trim and re-fault heap pages on every request under load.
    private var idleHandles: [UnsafeMutableRawPointer] = unsafe []
    /// Most idle easy handles kept.
    static let maxIdleHandles = 16

    init(configuration: HTTPClient.Configuration) throws(HTTPClientError) {
        try Self.loadLibcurl()
        guard let multi = unsafe ccurl_multi_init() else { throw .setupFailed("curl_multi_init failed") }
        unsafe self.multi = multi
        self.configuration = configuration
        _ = unsafe ccurl_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(1, configuration.maxCachedConnections))
        _ = unsafe ccurl_multi_setopt_long(
            multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(0, configuration.maxConnectionsPerHost))
        guard let thread = EventThread.spawn({ self.run() }) else {
            throw .setupFailed("could not start the event thread")
        }
        self.thread.withLock { $0 = thread }
    }

    /// Loads libcurl and runs its process-wide setup, once per process (the router links no libcurl, so an idle
    /// router holds none of it in memory).
    private static func loadLibcurl() throws(HTTPClientError) {
        var reason = [CChar](repeating: 0, count: 512)
        let status = unsafe reason.withUnsafeMutableBufferPointer { unsafe ccurl_load($0.baseAddress, $0.count) }
        guard status == 0 else {
            let text = String(decoding: reason.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .setupFailed("libcurl could not be loaded: \(text)")
        }
    }

    deinit {
        // The thread holds `self` until it returns, so no handle is left on the multi handle here.
        _ = unsafe ccurl_multi_cleanup(multi)
    }

    /// Queues a command and wakes the thread if it sleeps; `false` once the loop shut down.
    @discardableResult
    func submit(_ command: Command) -> Bool {
        let (accepted, wake) = inbox.withLock { inbox in
            guard !inbox.isClosed else { return (false, false) }
            inbox.commands.append(command)
            return (true, Self.takeWakeUp(&inbox))
        }
        if wake { _ = unsafe ccurl_multi_wakeup(multi) }
        return accepted
    }

    /// Whether the thread must be woken for work just queued; at most one wake-up per poll.
    private static func takeWakeUp(_ inbox: inout Inbox) -> Bool {
        guard inbox.isPolling else { return false }
        inbox.isPolling = false
        return true
    }

    /// Whether the caller runs on the event thread.
    var isEventThread: Bool { UInt(pthread_self()) == threadID.load(ordering: .relaxed) }

    /// Fails every transfer with `.shutdown`, then waits for the thread to end. Idempotent.
    func shutdown() {
        inbox.withLock { $0.isClosed = true }
        _ = unsafe ccurl_multi_wakeup(multi)
        thread.withLock { thread in
            guard let running = thread else { return }
            thread = nil
            if running.isCurrent { running.detach() } else { running.join() }
        }
    }

    // MARK: Event thread

    /// Each turn: run the queued jobs, apply the commands they and others queued, let libcurl move the transfers
    /// (its callbacks resume waiting tasks, whose jobs queue up here for the next turn), then sleep in
    /// `curl_multi_poll` unless work is already waiting.
    private func run() {
        threadID.store(UInt(pthread_self()), ordering: .relaxed)
        var runningHandles: Int32 = 0
        while true {
            runJobs()
            runEndOfTurn()
            let (commands, isClosed) = inbox.withLock { inbox in
                defer { inbox.commands = [] }
                return (inbox.commands, inbox.isClosed)
            }
            for command in commands { apply(command, isClosed: isClosed) }
            if isClosed {
                for transfer in Array(active.values) { remove(transfer, outcome: .failure(.shutdown)) }
                while let easy = unsafe idleHandles.popLast() { unsafe ccurl_easy_cleanup(easy) }
                runEndOfTurn()
                handOffJobs()
                return
            }
            _ = unsafe ccurl_multi_perform(multi, &runningHandles)
            collectFinished()
            let wait = expireIdle(now: .now)
            let sleeps = inbox.withLock { inbox in
                inbox.isPolling = !inbox.hasWork
                return inbox.isPolling
            }
            guard sleeps else { continue }
            _ = unsafe ccurl_multi_poll(multi, nil, 0, Int32(wait), nil)
            inbox.withLock { $0.isPolling = false }
        }
    }

    /// Runs the jobs queued so far (jobs they queue wait for the next turn, so transfers keep moving).
    private func runJobs() {
        let jobs = inbox.withLock { inbox in
            defer { inbox.jobs = [] }
            return inbox.jobs
        }
        // Sound: each job was queued once by `enqueue` and runs exactly once, here, while this loop is alive.
        let executor = unsafe asUnownedTaskExecutor()
        for job in jobs { unsafe job.runSynchronously(on: executor) }
    }

    /// Runs what this turn's jobs deferred to its end (work they queued there waits for the next turn).
    private func runEndOfTurn() {
        guard !endOfTurn.isEmpty else { return }
        let deferred = endOfTurn
        endOfTurn = []
        for body in deferred { body() }
    }

    /// Called on the event thread: runs `body` there once the jobs of the current turn have run, and returns true;
    /// elsewhere it returns false and does nothing.
    func atEndOfTurn(_ body: @escaping @Sendable () -> Void) -> Bool {
        guard isEventThread else { return false }
        endOfTurn.append(body)
        return true
    }

    /// After the loop closed: queued jobs go to the global executor, as every later one does (see `enqueue`).
    private func handOffJobs() {
        let jobs = inbox.withLock { inbox in
            defer { inbox.jobs = [] }
            return inbox.jobs
        }
        for job in jobs { globalConcurrentExecutor.enqueue(job) }
    }

    private func apply(_ command: Command, isClosed: Bool) {
        switch command {
        case .start(let transfer):
            guard transfer.isPending else { return }
            guard !isClosed else { return transfer.finish(.failure(.shutdown), head: HTTPResponseHead(status: 0)) }
            guard let easy = unsafe idleHandles.popLast() ?? ccurl_easy_init() else {
                return transfer.finish(
                    .failure(.setupFailed("curl_easy_init failed")), head: HTTPResponseHead(status: 0))
            }
            do {
                let entry = try unsafe ActiveTransfer(transfer, easy: easy, configuration: configuration)
                guard unsafe ccurl_multi_add_handle(multi, easy) == CURLM_OK else {
                    transfer.finish(.failure(.setupFailed("curl_multi_add_handle failed")), head: entry.fallbackHead)
                    return release(entry)
                }
                active[ObjectIdentifier(transfer)] = entry
            } catch {
                // `ActiveTransfer.init` reset the handle before throwing.
                unsafe recycle(easy)
                transfer.finish(.failure(error), head: HTTPResponseHead(status: 0))
            }
        case .abort(let transfer):
            if let entry = active[ObjectIdentifier(transfer)] { remove(entry, outcome: .failure(.cancelled)) }
        case .unpause(let transfer):
            guard let entry = active[ObjectIdentifier(transfer)], entry.isPaused else { return }
            entry.isPaused = false
            entry.lastActivity = .now
            // May call the write callback right here with the bytes held back while paused; if that write
            // fails, libcurl leaves ending the transfer to us.
            let code = unsafe ccurl_easy_pause(entry.easy, ccurl_pause_cont())
            if code != CURLE_OK { remove(entry, outcome: .failure(entry.error(for: code))) }
        }
    }

    /// Takes finished transfers off the multi handle and reports their outcome.
    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = unsafe ccurl_multi_info_read(multi, &remaining) {
            guard unsafe message.pointee.msg == CURLMSG_DONE, let easy = unsafe message.pointee.easy_handle else {
                continue
            }
            let code = unsafe message.pointee.data.result
            var opaque: UnsafeMutableRawPointer?
            _ = unsafe ccurl_easy_getinfo_ptr(easy, CURLINFO_PRIVATE, &opaque)
            guard let opaque = unsafe opaque else { continue }
            let entry = unsafe ActiveTransfer.fromOpaque(opaque)
            remove(entry, outcome: code == CURLE_OK ? .success(()) : .failure(entry.error(for: code)))
        }
    }

    /// Fails transfers that received nothing for longer than their idle limit; returns the poll timeout in ms.
    private func expireIdle(now: ContinuousClock.Instant) -> Int {
        var wait = Duration.seconds(1)
        for entry in Array(active.values) {
            guard let idle = entry.transfer.request.timeouts.idle, !entry.isPaused else { continue }
            let left = entry.lastActivity + idle - now
            if left <= .zero {
                remove(entry, outcome: .failure(.timedOut(.idle)))
            } else {
                wait = min(wait, left)
            }
        }
        return wait.curlMilliseconds
    }

    private func remove(_ entry: ActiveTransfer, outcome: Result<Void, HTTPClientError>) {
        active[ObjectIdentifier(entry.transfer)] = nil
        _ = unsafe ccurl_multi_remove_handle(multi, entry.easy)
        entry.transfer.finish(outcome, head: entry.fallbackHead)
        release(entry)
    }

    /// Resets the transfer's easy handle for reuse (or frees it), then frees the rest of the transfer's setup.
    /// The handle must be off the multi handle.
    private func release(_ entry: ActiveTransfer) {
        unsafe ccurl_easy_reset(entry.easy)
        unsafe recycle(entry.easy)
        entry.close()
    }

    /// Keeps a reset easy handle for the next transfer, or frees it when enough are kept.
    private func recycle(_ easy: UnsafeMutableRawPointer) {
        if unsafe idleHandles.count < Self.maxIdleHandles {
            unsafe idleHandles.append(easy)
        } else {
            unsafe ccurl_easy_cleanup(easy)
        }
    }
}

extension CurlEventLoop: TaskExecutor {
    /// Queues a job of a task that prefers this loop; it runs on the event thread between libcurl's turns. Once the
    /// loop has shut down, jobs run on the global executor instead, so no task is stranded.
    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let (accepted, wake) = inbox.withLock { inbox in
            guard !inbox.isClosed else { return (false, false) }
            inbox.jobs.append(job)
            return (true, Self.takeWakeUp(&inbox))
        }
        guard accepted else { return globalConcurrentExecutor.enqueue(job) }
        if wake && !isEventThread { _ = unsafe ccurl_multi_wakeup(multi) }
    }
}

/// One transfer's easy handle and event-thread-only bookkeeping.
// Safe: the header list and error buffer are owned here and freed once, in `close()`; the easy handle is lent by
// the loop, which resets it (dropping every pointer set here) before `close()` and reuses or frees it afterwards.
@safe private final class ActiveTransfer {
    let transfer: Transfer
    let easy: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// libcurl writes its message for a failure here.  // (CURL_ERROR_SIZE) C string
    private let errorBuffer: UnsafeMutablePointer<CChar>
    private var cReference: UnsafeMutableRawPointer?
    private var headParser = ResponseHeadParser()
    private let startedAt = ContinuousClock.now
    var lastActivity = ContinuousClock.now
    var isPaused = false

    /// Configures `easy` (fresh or reset) for `transfer`; on failure the handle is reset again before the throw.
    init(_ transfer: Transfer, easy: UnsafeMutableRawPointer, configuration: HTTPClient.Configuration)
        throws(HTTPClientError)
    {
        self.transfer = transfer
        unsafe self.easy = easy
        unsafe errorBuffer = .allocate(capacity: ccurl_error_size())
        unsafe errorBuffer.initialize(to: 0)
        do {
            try transfer.request.validate()
            try configure(transfer.request, configuration: configuration)
        } catch {
            unsafe ccurl_easy_reset(easy)
            close()
            throw error
        }
    }

    /// Frees what `init` and `configure` set up except the easy handle, which the loop must have reset (so it
    /// points at none of it) after taking it off the multi handle.
    func close() {
        unsafe ccurl_slist_free_all(headerList)
        unsafe headerList = nil
        unsafe errorBuffer.deallocate()
        if let reference = unsafe cReference { unsafe Self.releaseReference(reference) }
        unsafe cReference = nil
    }

    // MARK: C callbacks' view of `self`

    /// The reference handed to libcurl (PRIVATE, WRITEDATA, HEADERDATA); balanced by `releaseReference`.
    private func retainReference() -> UnsafeMutableRawPointer {
        unsafe Unmanaged.passRetained(self).toOpaque()
    }

    private static func releaseReference(_ opaque: UnsafeMutableRawPointer) {
        unsafe Unmanaged<ActiveTransfer>.fromOpaque(opaque).release()
    }

    /// `self` back from libcurl's user pointer.
    static func fromOpaque(_ opaque: UnsafeMutableRawPointer) -> ActiveTransfer {
        unsafe Unmanaged<ActiveTransfer>.fromOpaque(opaque).takeUnretainedValue()
    }

    // MARK: Setup

    private func configure(_ request: HTTPClientRequest, configuration: HTTPClient.Configuration)
        throws(HTTPClientError)
    {
        let reference = unsafe retainReference()
        unsafe cReference = reference
        try set(CURLOPT_PRIVATE, unsafe ccurl_easy_setopt_ptr(easy, CURLOPT_PRIVATE, reference))
        try set(CURLOPT_WRITEFUNCTION, unsafe ccurl_easy_setopt_func(easy, CURLOPT_WRITEFUNCTION, writeCallback))
        try set(CURLOPT_WRITEDATA, unsafe ccurl_easy_setopt_ptr(easy, CURLOPT_WRITEDATA, reference))
        try set(CURLOPT_HEADERFUNCTION, unsafe ccurl_easy_setopt_func(easy, CURLOPT_HEADERFUNCTION, headerCallback))
        try set(CURLOPT_HEADERDATA, unsafe ccurl_easy_setopt_ptr(easy, CURLOPT_HEADERDATA, reference))
        try set(CURLOPT_ERRORBUFFER, unsafe ccurl_easy_setopt_ptr(easy, CURLOPT_ERRORBUFFER, errorBuffer))
        try set(CURLOPT_URL, unsafe ccurl_easy_setopt_string(easy, CURLOPT_URL, request.url))
        try set(CURLOPT_PROTOCOLS_STR, unsafe ccurl_easy_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"))
        let longOptions = [
            (CURLOPT_NOSIGNAL, 1), (CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_1_1)), (CURLOPT_TCP_KEEPALIVE, 1),
            // 4 KiB receive buffer (libcurl: 16 KiB): miners stream small chunks, and it is held per transfer.
            (CURLOPT_BUFFERSIZE, 4 << 10),
            (CURLOPT_SUPPRESS_CONNECT_HEADERS, 1), (CURLOPT_SSL_VERIFYPEER, request.verifyTLS ? 1 : 0),
            (CURLOPT_SSL_VERIFYHOST, request.verifyTLS ? 2 : 0),
            (CURLOPT_CONNECTTIMEOUT_MS, request.timeouts.connect.curlMilliseconds),
            (CURLOPT_TIMEOUT_MS, request.timeouts.total?.curlMilliseconds ?? 0),
        ]
        for (option, value) in longOptions { try setLong(option, value) }
        if !configuration.usesEnvironmentProxy {
            try set(CURLOPT_PROXY, unsafe ccurl_easy_setopt_string(easy, CURLOPT_PROXY, ""))
        }
        if let agent = configuration.userAgent {
            try set(CURLOPT_USERAGENT, unsafe ccurl_easy_setopt_string(easy, CURLOPT_USERAGENT, agent))
        }
        try configureMethod(request)
        for line in request.headerLines {
            guard let appended = unsafe ccurl_slist_append(headerList, line) else {
                throw .setupFailed("curl_slist_append failed")
            }
            unsafe headerList = appended
        }
        try set(CURLOPT_HTTPHEADER, unsafe ccurl_easy_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList))
    }

    private func configureMethod(_ request: HTTPClientRequest) throws(HTTPClientError) {
        let method = request.method
        if method == "GET" && request.body.isEmpty { return try setLong(CURLOPT_HTTPGET, 1) }
        if method == "HEAD" && request.body.isEmpty { return try setLong(CURLOPT_NOBODY, 1) }
        if !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(method) {
            try setLong(CURLOPT_POST, 1)
            let size = curl_off_t(request.body.count)
            try set(
                CURLOPT_POSTFIELDSIZE_LARGE, unsafe ccurl_easy_setopt_off_t(easy, CURLOPT_POSTFIELDSIZE_LARGE, size))
            // COPYPOSTFIELDS copies `size` bytes now, so the array need not outlive this call.
            let body = request.body.isEmpty ? [0] : request.body
            let code = unsafe body.withUnsafeBytes { bytes in
                unsafe ccurl_easy_setopt_ptr(
                    easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress))
            }
            try set(CURLOPT_COPYPOSTFIELDS, code)
            if method == "POST" { return }
        }
        try set(CURLOPT_CUSTOMREQUEST, unsafe ccurl_easy_setopt_string(easy, CURLOPT_CUSTOMREQUEST, method))
    }

    private func setLong(_ option: CURLoption, _ value: Int) throws(HTTPClientError) {
        try set(option, unsafe ccurl_easy_setopt_long(easy, option, value))
    }

    private func set(_ option: CURLoption, _ code: CURLcode) throws(HTTPClientError) {
        guard code == CURLE_OK else {
            throw .setupFailed("curl_easy_setopt(\(option.rawValue)) failed: \(code.rawValue)")
        }
    }

    // MARK: Event thread callbacks

    /// The head parsed so far, for transfers that end without a complete header block.
    var fallbackHead: HTTPResponseHead { headParser.partialHead }

    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) {
        lastActivity = .now
        if let head = unsafe headParser.consume(line) { transfer.receiveHead(head) }
    }

    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        if !headParser.isComplete, let head = headParser.consume([0x0D, 0x0A]) { transfer.receiveHead(head) }
        switch transfer.receiveBody(unsafe Array(bytes)) {
        case .accepted: return bytes.count
        case .pause:
            isPaused = true
            return ccurl_writefunc_pause()
        case .abort: return 0
        }
    }

    /// Maps a libcurl result to the error the caller sees.
    func error(for code: CURLcode) -> HTTPClientError {
        let detail = unsafe String(cString: errorBuffer)
        let message = detail.isEmpty ? unsafe String(cString: ccurl_easy_strerror(code)) : detail
        switch code {
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_PROXY:
            return .connectFailed(message)
        case CURLE_OPERATION_TIMEDOUT:
            return .timedOut(HTTPTimeoutPhase(curlTimeoutAfter: .now - startedAt, timeouts: transfer.request.timeouts))
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tlsFailed(message)
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL:
            return .invalidRequest(message)
        default:
            return .transport(code: Int(code.rawValue), message: message)
        }
    }
}

/// CURLOPT_WRITEFUNCTION: body bytes for the transfer behind `userdata`.
private let writeCallback: ccurl_data_callback = { data, size, count, userdata in
    // Sound: userdata is the reference retained in `configure`, released only after the handle is cleaned up.
    let entry = unsafe ActiveTransfer.fromOpaque(userdata!)
    return unsafe entry.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

/// CURLOPT_HEADERFUNCTION: one header line for the transfer behind `userdata`.
private let headerCallback: ccurl_data_callback = { data, size, count, userdata in
    // Sound: as in `writeCallback`; libcurl hands over exactly one complete line.
    let entry = unsafe ActiveTransfer.fromOpaque(userdata!)
    unsafe entry.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
