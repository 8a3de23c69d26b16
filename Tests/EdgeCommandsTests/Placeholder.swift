// EdgeCommandsTests: placeholder so the skeleton builds; replaced by the real tests.
