// Hashing: placeholder so the skeleton builds; replaced by the real module sources.
