.process.user.uid = 1.5
