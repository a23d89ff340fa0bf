.process.terminal = "false"
