import Glibc
import HTTPClient
import HTTPServer
public import Log
import Synchronization
import System
import Upstream

/// The running router: storage, miner pool, HTTP listeners, and a graceful shutdown on SIGTERM/SIGINT.
public final class EdgeApp: Sendable {
    private let config: EdgeConfig
    private let logger: Logger
    private let servers = Mutex<[HTTPServer]>([])
    private let notifier: SystemdNotifier?

    /// Creates the app for an effective configuration; `notifier` (under systemd's `Type=notify`) hears when the
    /// router is ready and when it stops.
    public init(config: EdgeConfig, logger: Logger, notifier: SystemdNotifier? = nil) {
        self.config = config
        self.logger = logger
        self.notifier = notifier
    }

    /// Starts everything, serves until a termination signal, then drains and stops; returns the exit code.
    public func run() async throws -> Int32 {
        signal(SIGPIPE, SIG_IGN)
        let signals = SignalWaiter()
        let store = try EdgeStore(config: config)
        // Before the tasks left open are failed: they must not be another live router's.
        let lock = try ServeLock(stateDirectory: config.stateDirectory)
        defer { withExtendedLifetime(lock) {} }
        try failInterruptedTasks(store.tasks)
        let disk = DiskMonitor(
            database: store.database, directory: config.stateDirectory, minFreeBytes: config.stateLimits.minFreeBytes)
        let readiness = Readiness(disk: disk)
        let pruner = StatePruner(
            store: store, settings: EdgeStore.prunerSettings(config), disk: disk, logger: logger)
        try pruner.start()
        defer { pruner.stop() }
        // One miner connection per client connection at most (replicas aside), so the listener's limit bounds it.
        let client = try HTTPClient(
            configuration: HTTPClient.Configuration(maxConnectionsPerHost: config.server.connectionLimit))
        defer { client.shutdown() }
        let metrics = Metrics(gauges: { [self] in
            let list = servers.withLock { $0 }
            return [
                (
                    "cortensor_edge_open_connections", "Open client connections.",
                    Double(list.reduce(0) { $0 + $1.openConnections })
                ),
                (
                    "cortensor_edge_active_streams", "Responses being streamed.",
                    Double(list.reduce(0) { $0 + $1.activeStreams })
                ),
            ] + disk.snapshot().gauges + pruner.footprint.gauges
        })
        let local = try loadFallbackModel()
        let pool = MinerPool(
            miners: config.miners + (local.map { [$0.minerConfig] } ?? []),
            transport: MinerTransportRouter(remote: HTTPClientMinerTransport(client: client), local: local),
            settings: config.minerPool, logger: logger, observer: metrics.minerPoolObserver)
        let tasks = TaskWriter(
            store: store.tasks, blocks: store.blocks, deferCommit: { client.atEndOfTurn($0) })
        // Only with a chain session configured: unlocks the node key (a wrong password stops the start here).
        let chain = try ChainSessions.make(
            config: config, passwordVariable: Self.environment(EdgeConfig.keyPasswordEnvironmentName), http: client,
            blocks: store.blocks, tasks: tasks, logger: logger)
        let gateways = makeGateways(
            store: store, tasks: tasks, pool: pool, client: client, metrics: metrics, localModel: local, chain: chain,
            disk: disk, readiness: readiness, pruner: pruner)
        var started: [HTTPServer] = []
        for (configuration, gateway) in gateways {
            let server = HTTPServer(
                configuration: configuration, admission: { gateway.admit($0) },
                inlineHandler: { gateway.handleInline($0) },
                executor: { gateway.preferredExecutor(for: $0) }
            ) { request in await gateway.handle(request) }
            try server.start()
            started.append(server)
            logger.info("listening", metadata: ["address": "\(configuration.host):\(server.port)"])
        }
        servers.withLock { $0 = started }
        await pool.startHealthProbes()
        chain?.checkChainsInBackground()
        readiness.set(true)
        notifier?.notify("READY=1\nSTATUS=serving on \(config.server.host):\(started.first?.port ?? 0)")
        let received = await signals.wait()
        logger.info(
            "shutting down", metadata: ["signal": "\(received)", "grace_s": "\(config.server.shutdownGraceSeconds)"])
        readiness.set(false)
        notifier?.notify("STOPPING=1")
        await pool.stopHealthProbes()
        for server in started { await server.shutdown(grace: .seconds(config.server.shutdownGraceSeconds)) }
        logger.info("stopped")
        return 0
    }

    /// Fails the tasks a crash left open, so their clients read why (`TaskStore.interruptedReason`).
    ///
    /// Chain sessions keep theirs: such a task lives in `SessionQueueV2`, where miners may still commit to it after
    /// the router is gone, and `/api/v1/tasks/{sid}/{tid}` reads its status from the contract, not from this row.
    /// Marking the row failed would put "interrupted" next to a chain status that may end in a result.
    private func failInterruptedTasks(_ tasks: TaskStore) throws {
        let chainSessions = Set(config.sessions.filter { $0.chain != nil }.map(\.id))
        let count = try tasks.failInterruptedTasks(except: chainSessions, now: WallClock.unixSeconds())
        if count > 0 {
            logger.warning("tasks left open by the last run marked failed", metadata: ["count": "\(count)"])
        }
    }

    /// The fallback model's miner, or nil when `fallback.model` is `none`, or `auto` finds no model.
    private func loadFallbackModel() throws -> LocalModelMiner? {
        guard let path = Self.fallbackModelPath(config) else {
            logger.info("no fallback model", metadata: ["fallback.model": "\(config.fallback.model)"])
            return nil
        }
        let started = ContinuousClock.now
        let model = try LocalModel(path: path, chatTemplate: config.fallback.chatTemplate)
        let threads =
            config.fallback.threads > 0 ? config.fallback.threads : max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        logger.info(
            "fallback model loaded",
            metadata: [
                "model": "\(model.name)", "path": "\(path)",
                "ms": "\(Int((ContinuousClock.now - started).seconds * 1000))",
            ])
        return LocalModelMiner(
            model: model, threads: threads, contextLength: config.fallback.contextLength,
            maxTokens: config.fallback.maxTokens, queueLimit: config.fallback.queueLimit,
            perKeyLimit: config.fallback.queuePerKey)
    }

    /// `fallback.model` resolved: `auto` is the first `*.gguf` in `<state>/models/`.
    static func fallbackModelPath(_ config: EdgeConfig) -> String? {
        switch config.fallback.model {
        case "none": return nil
        case "auto":
            let folder = config.stateDirectory + "/models"
            return fileNames(inDirectory: folder, suffix: ".gguf").first.map { folder + "/" + $0 }
        default: return config.fallback.model
        }
    }

    /// The value of environment variable `name`, if set.
    private static func environment(_ name: String) -> String? {
        // Sound: getenv's result is read at once, before anything could change the environment.
        unsafe getenv(name).map { unsafe String(cString: $0) }
    }

    private func makeGateways(
        store: EdgeStore, tasks: TaskWriter, pool: MinerPool, client: HTTPClient, metrics: Metrics,
        localModel: LocalModelMiner?, chain: ChainSessions?, disk: DiskMonitor, readiness: Readiness,
        pruner: StatePruner
    ) -> [(HTTPServerConfiguration, EdgeGateway)] {
        let service = CompletionService(
            pool: pool, tasks: tasks, sessions: config.sessions,
            logger: logger,
            cache: store.completions, cachePolicy: config.completionCache.policy, metrics: metrics)
        let info = RouterInfo(listenAddress: "\(config.server.host):\(config.server.port)")
        let admin = AdminRoutes(metrics: metrics, readiness: readiness)
        let cortensor = CortensorRoutes(
            service: service, pool: pool, tasks: store.tasks, sessions: config.sessions, info: info, chain: chain,
            disk: disk, pruner: pruner)
        let openAI = OpenAIRoutes(
            service: service, pool: pool, created: Int(WallClock.unixSeconds()), localModel: localModel)
        let authenticator = Authenticator(keys: store.apiKeys, devMode: config.auth.devMode)
        let limiter = RateLimiter(
            requestsPerMinute: config.auth.rateLimitPerMinute, burst: config.auth.rateLimitBurst)
        let separateAdmin = config.admin.port != 0
        let upstream = UpstreamFetcher(gateways: config.ipfs.upstreamGateways, client: client, blocks: store.blocks)
        let ipfs = IPFSGatewayRoutes(blocks: store.blocks, upstream: upstream)
        let kubo = KuboRPCRoutes(blocks: store.blocks)
        let kuboReads = KuboReadRoutes(gateway: ipfs)
        let publicRoutes =
            cortensor.routes + openAI.routes + ipfs.routes + kubo.routes + kuboReads.routes + admin.probes
            + (separateAdmin ? [] : [admin.metricsRoute(requiresKey: true)])
        func gateway(_ routes: [(method: String, route: EdgeGateway.Route)]) -> EdgeGateway {
            EdgeGateway(
                routes: routes, authenticator: authenticator, limiter: limiter, metrics: metrics, logger: logger,
                upstreamExecutor: { client.eventLoopExecutor }, cors: config.server.corsPolicy)
        }
        var gateways = [(config.server.httpServerConfiguration, gateway(publicRoutes))]
        if separateAdmin {
            let adminServer = HTTPServerConfiguration(
                host: config.admin.host, port: config.admin.port, connectionLimit: 64)
            gateways.append((adminServer, gateway(admin.probes + [admin.metricsRoute(requiresKey: false)])))
        }
        return gateways
    }
}

extension EdgeConfig.Server {
    /// The listener settings of the public API.
    var httpServerConfiguration: HTTPServerConfiguration {
        var configuration = HTTPServerConfiguration()
        configuration.host = host
        configuration.port = port
        configuration.workerThreads = workerThreads
        configuration.connectionLimit = connectionLimit
        configuration.reservedPaths = AdminRoutes.probePaths
        configuration.perIPConnectionLimit = perIPConnectionLimit
        configuration.headTimeout = .seconds(headTimeoutSeconds)
        configuration.bodyTimeout = .seconds(bodyTimeoutSeconds)
        configuration.idleTimeout = .seconds(idleTimeoutSeconds)
        configuration.maxBodyBytes = maxBodyBytes
        configuration.maxBufferedBodyBytes = maxBufferedBodyBytes
        configuration.requestDeadline = .seconds(requestDeadlineSeconds)
        configuration.tlsCertificatePath = tlsCertificatePath
        configuration.tlsKeyPath = tlsKeyPath
        return configuration
    }
}
