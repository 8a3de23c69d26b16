/// Why a GGUF file cannot be run as a model.
public enum ModelError: Error, Sendable, Equatable {
    /// The file itself is malformed or lacks a metadata key (see `GGUFError`).
    case file(GGUFError)
    /// `general.architecture` names an architecture this engine does not run.
    case unsupportedArchitecture(String)
    /// A tensor the architecture needs is missing.
    case missingTensor(String)
    /// A tensor has another shape than the hyperparameters imply.
    case shapeMismatch(tensor: String, expected: [Int], found: [Int])
    /// A hyperparameter is out of range or inconsistent (message says which).
    case invalidHyperparameter(String)
    /// RoPE scaling other than none or linear.
    case unsupportedRopeScaling(String)
    /// The tokenizer fields cannot be used (see `TokenizerError`).
    case tokenizer(TokenizerError)
}
