.process.args = []
