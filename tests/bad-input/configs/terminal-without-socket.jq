.process.terminal = true
