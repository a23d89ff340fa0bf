.process.args = [1, 2]
