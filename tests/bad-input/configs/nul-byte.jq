.process.args = ["tr\u0000ue"]
