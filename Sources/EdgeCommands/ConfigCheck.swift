import Gateway

/// `config check`: validate the configuration and print it, secrets masked.
public enum ConfigCheck {
    /// Loads defaults, the file at `configPath` (if any) and `environment`; on success the output is the effective
    /// configuration as TOML and the exit code 0, otherwise one error line and exit code 2.
    public static func run(configPath: String?, environment: [String: String]) -> (output: String, exitCode: Int32) {
        do throws(ConfigError) {
            let text = try configPath.map { path throws(ConfigError) in try ConfigFile.read(path) }
            let config = try EdgeConfig.load(toml: text, environment: environment)
            let source = configPath.map { "file \($0)" } ?? "built-in defaults"
            return ("# cortensor-edge: configuration OK (\(source)); secrets masked\n" + config.describe(), 0)
        } catch {
            return (error.description + "\n", 2)
        }
    }
}
