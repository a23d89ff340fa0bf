.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 99999999, "soft": 99999999}]
