.process.env = {"PATH": "/bin"}
