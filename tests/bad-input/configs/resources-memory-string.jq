.linux.resources.memory = {"limit": "1G"}
