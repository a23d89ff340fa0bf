.process.args = "sh"
