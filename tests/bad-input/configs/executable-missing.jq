.process.args = ["/no/such/binary"]
