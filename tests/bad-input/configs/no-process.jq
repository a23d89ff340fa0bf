del(.process)
