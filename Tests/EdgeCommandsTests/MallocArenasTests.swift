import Testing

@testable import EdgeCommands

@Suite struct MallocArenasTests {
    @Test func theRouterLimitIsOneArena() {
        #expect(MallocArenas.limit(overridesPresent: false) == 1)
    }

    @Test func glibcsOwnVariablesWin() {
        // MALLOC_ARENA_MAX or GLIBC_TUNABLES in the environment: glibc already applied the operator's choice.
        #expect(MallocArenas.limit(overridesPresent: true) == nil)
    }
}
