import EdgeCommands
import Glibc

// The thin executable: parse, wire, run — everything else lives in EdgeCommands and the libraries.
let environment = ProcessEnvironment.current()
let status = await EdgeCommands(handlers: .live(environment: environment)).main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: environment)
exit(status)
