.process.user.uid = 4294967296
