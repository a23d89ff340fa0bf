.linux.namespaces |= map(if .type == "network" then .path = "/no/such/netns" else . end)
