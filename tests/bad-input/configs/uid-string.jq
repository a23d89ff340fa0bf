.process.user.uid = "0"
