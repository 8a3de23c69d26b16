import Gateway
import Log

extension CommandHandlers {
    /// The real commands: `serve` runs the router, `keys *` manage API keys in the state directory.
    /// `environment` supplies systemd's `NOTIFY_SOCKET`, if any.
    public static func live(environment: [String: String], output: CommandOutput = .standard) -> CommandHandlers {
        CommandHandlers(
            version: RouterInfo.version,
            serve: { config in
                await serve(config, notifier: SystemdNotifier(socketPath: environment["NOTIFY_SOCKET"]), output: output)
            },
            keysNew: { config, name in keysNew(config, name: name, output: output) },
            keysList: { config in keysList(config, output: output) },
            keysRevoke: { config, prefix in keysRevoke(config, prefix: prefix, output: output) },
            ipfs: { config, command in
                withStore(config, output: output) { store in
                    try IPFSRunner(store: store.blocks, completions: store.completions, output: output).run(command)
                }
            })
    }

    private static func serve(_ config: EdgeConfig, notifier: SystemdNotifier?, output: CommandOutput) async -> Int32 {
        let logger = Logger(label: "cortensor-edge", logLevel: config.logLevel)
        if config.auth.devMode {
            logger.warning("dev mode: the public 'default-dev-token' is accepted; never use --dev on a shared network")
            if config.auth.devAllowRemote {
                logger.warning(
                    "--dev-allow-remote: dev mode may listen on a reachable address; anyone who reaches it can use the key",
                    metadata: ["host": "\(config.server.host)"])
            }
        }
        do {
            return try await EdgeApp(config: config, logger: logger, notifier: notifier).run()
        } catch {
            output.standardError("cortensor-edge: \(error)\n")
            return 1
        }
    }

    private static func keysNew(_ config: EdgeConfig, name: String?, output: CommandOutput) -> Int32 {
        withStore(config, output: output) { store in
            let (key, record) = try store.apiKeys.create(name: name ?? "default")
            output.standardOutput("\(key)\n")
            output.standardError("created key '\(record.name)' (prefix \(record.prefix)); it is shown only once\n")
        }
    }

    private static func keysList(_ config: EdgeConfig, output: CommandOutput) -> Int32 {
        withStore(config, output: output) { store in
            for record in try store.apiKeys.list() {
                let state = record.isActive ? "active" : "revoked"
                output.standardOutput("\(record.prefix)\t\(state)\t\(record.createdAt)\t\(record.name)\n")
            }
        }
    }

    private static func keysRevoke(_ config: EdgeConfig, prefix: String, output: CommandOutput) -> Int32 {
        withStore(config, output: output) { store in
            guard try store.apiKeys.revoke(prefix: prefix) else {
                throw KeyCommandError.noSuchKey(prefix)
            }
            output.standardOutput("revoked \(prefix)\n")
        }
    }

    private static func withStore(
        _ config: EdgeConfig, output: CommandOutput, _ body: (EdgeStore) throws -> Void
    ) -> Int32 {
        do {
            try body(try EdgeStore(config: config))
            return 0
        } catch {
            output.standardError("cortensor-edge: \(error)\n")
            return 1
        }
    }
}

/// Failures of the `keys` commands.
enum KeyCommandError: Error, CustomStringConvertible {
    /// No active key has this prefix.
    case noSuchKey(String)

    var description: String {
        switch self {
        case .noSuchKey(let prefix): return "no active key with prefix '\(prefix)'"
        }
    }
}
