.process.args = ["no-such-command"]
