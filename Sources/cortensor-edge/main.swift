import EdgeCommands
import Glibc

// The thin executable: parse, wire, run — everything else lives in EdgeCommands and the libraries.
let status = await EdgeCommands(handlers: .live()).main(
    arguments: Array(CommandLine.arguments.dropFirst()), environment: ProcessEnvironment.current())
exit(status)
