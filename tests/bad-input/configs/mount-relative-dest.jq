.mounts[0].destination = "proc"
