.process.rlimits = [{"type": "RLIMIT_FOO", "hard": 1, "soft": 1}]
