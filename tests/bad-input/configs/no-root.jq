del(.root)
