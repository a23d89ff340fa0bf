.mounts[0] |= del(.destination)
