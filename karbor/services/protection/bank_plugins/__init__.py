"""Bank plugins: object stores holding checkpoints (file system, Swift, S3)."""
