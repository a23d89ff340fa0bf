.mounts[0].options = "ro"
