del(.process.cwd)
