.process.cwd = "tmp"
