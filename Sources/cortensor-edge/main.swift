import EdgeCommands
import Glibc

// The thin executable: parse, wire, run — everything else lives in EdgeCommands and the libraries.
//
// Synchronous on purpose: with a top-level `await` the main thread would end in dispatch_main(), whose
// pthread_exit unwinds the main stack and so pages in ~0.4 MB of this binary's unwind tables, resident for the
// life of the process. Here the command runs as a detached task and exits the process itself; the main thread
// only sleeps (libdispatch's signal handlers may run on it).
MallocArenas.applyRouterLimit()
let environment = ProcessEnvironment.current()
Task.detached {
    exit(
        await EdgeCommands(handlers: .live(environment: environment)).main(
            arguments: Array(CommandLine.arguments.dropFirst()), environment: environment))
}
while true { pause() }
